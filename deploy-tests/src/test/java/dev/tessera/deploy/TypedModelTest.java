package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rendered object binds to its typed model (fabric8, Strimzi) or validates against its CRD
 * schema (KEDA, CloudNativePG), and an unknown field anywhere fails.
 */
class TypedModelTest {

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_rendered_object_parses_into_its_typed_model_with_nothing_left_over(
      String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);

    assertThat(TypedModels.problems(objects)).as(label).isEmpty();
  }

  @Test
  void every_kind_the_chart_can_render_has_a_model_or_a_schema() {
    assertThat(
            Chart.valueSets().stream()
                .flatMap(v -> Chart.objects(v).stream())
                .map(TypedModels::typeKey)
                .distinct())
        .allSatisfy(kind -> assertThat(TypedModels.knownKinds()).contains(kind));
  }

  @Test
  void an_unknown_field_in_a_deployment_fails() {
    assertUnknownFieldFails(
        "Deployment",
        o ->
            ((ObjectNode) o.path("spec").path("template").path("spec").path("containers").get(0))
                .put("livenessProbes", "typo"),
        "livenessProbes");
  }

  @Test
  void an_unknown_field_in_a_strimzi_kafka_connector_fails() {
    assertUnknownFieldFails(
        "KafkaConnector", o -> ((ObjectNode) o.path("spec")).put("taskMax", 1), "taskMax");
  }

  @Test
  void an_unknown_field_in_a_prometheus_operator_service_monitor_fails() {
    assertUnknownFieldFails(
        "ServiceMonitor",
        o -> ((ObjectNode) o.path("spec").path("endpoints").get(0)).put("paths", "/q/metrics"),
        "paths");
  }

  @Test
  void an_unknown_field_in_a_keda_scaled_object_fails() {
    assertUnknownFieldFails(
        "ScaledObject", o -> ((ObjectNode) o.path("spec")).put("maxReplicas", 3), "maxReplicas");
  }

  @Test
  void a_misspelt_kafka_scaler_parameter_fails() {
    assertUnknownFieldFails(
        "ScaledObject",
        o ->
            ((ObjectNode) o.path("spec").path("triggers").get(0).path("metadata"))
                .put("lagTreshold", "10"),
        "lagTreshold");
  }

  @Test
  void an_unknown_field_in_a_cloudnative_pg_cluster_fails() {
    assertUnknownFieldFails(
        "Cluster",
        o -> ((ObjectNode) o.path("spec").path("bootstrap").path("initdb")).put("databse", "x"),
        "databse");
  }

  @Test
  void an_unknown_pgbouncer_parameter_fails() {
    assertUnknownFieldFails(
        "Pooler",
        o ->
            ((ObjectNode) o.path("spec").path("pgbouncer").path("parameters"))
                .put("pool_mode", "session"),
        "pool_mode");
  }

  @Test
  void an_object_of_a_kind_without_a_model_fails() {
    ObjectNode unknown = Chart.JSON.createObjectNode();
    unknown.put("apiVersion", "example.com/v1").put("kind", "Widget");
    unknown.putObject("metadata").put("name", "w");

    assertThat(TypedModels.problems(unknown)).singleElement().asString().contains("no typed model");
  }

  private static void assertUnknownFieldFails(
      String kind, Consumer<ObjectNode> corrupt, String field) {
    ObjectNode object = Chart.ofKind(Chart.objects(null), kind).get(0).deepCopy();
    assertThat(TypedModels.problems(object)).as("before").isEmpty();

    corrupt.accept(object);

    assertThat(TypedModels.problems(object))
        .as("an unknown field in " + kind)
        .isNotEmpty()
        .anySatisfy(p -> assertThat(p).contains(field));
  }
}
