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
 * Every object the chart renders (defaults and every ci/ values file) and every object of k8s/ is
 * accepted by the published schemas of the lowest and the newest supported Kubernetes and operators
 * (the version matrix of {@link Platform}), unknown fields and CEL rules included; and the
 * validation catches what those API servers refuse.
 */
class SchemaValidationTest {

  static Stream<Arguments> matrix() {
    return Platform.matrix().stream()
        .flatMap(
            platform ->
                Chart.valueSets().stream()
                    .map(values -> Arguments.of(platform, Chart.label(values), values)));
  }

  /**
   * k8s/ is the chart rendered with its default values, which only the platforms that need no
   * override of them accept (the lowest needs kafka.version and postgres.failoverSlots changed).
   */
  static Stream<Arguments> manifests() {
    return Platform.matrix().stream()
        .filter(platform -> platform.values().isEmpty())
        .flatMap(
            platform ->
                Stream.of("base", "dev", "prod").map(overlay -> Arguments.of(platform, overlay)));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void every_rendered_object_is_accepted_by_the_published_schemas(
      Platform platform, String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values, platform);

    assertThat(SchemaValidator.problems(platform, objects)).as(label + " on " + platform).isEmpty();
  }

  @ParameterizedTest(name = "{0}: k8s/{1}")
  @MethodSource("manifests")
  void every_kustomize_manifest_is_accepted_by_the_published_schemas(
      Platform platform, String overlay) {
    List<ObjectNode> objects = Kustomize.build(overlay);

    assertThat(objects).isNotEmpty();
    assertThat(SchemaValidator.problems(platform, objects)).as(overlay).isEmpty();
  }

  @Test
  void every_kind_the_chart_renders_has_a_published_schema_on_every_platform() {
    for (Platform platform : Platform.matrix()) {
      assertThat(
              Chart.valueSets().stream()
                  .flatMap(v -> Chart.objects(v, platform).stream())
                  .map(Chart::typeKey)
                  .distinct())
          .as(platform.toString())
          .allSatisfy(kind -> assertThat(ApiSchemas.of(platform).kinds()).contains(kind));
    }
  }

  @Test
  void every_cel_rule_of_every_vendored_crd_compiles_so_none_is_skipped() {
    for (Platform platform : Platform.matrix()) {
      List<String> notCompiled = new java.util.ArrayList<>();
      for (var rule : ApiSchemas.of(platform).celRules()) {
        if (!CelRules.appliesOnCreate(rule.getValue())) {
          continue; // transition rules (oldSelf) apply to updates only
        }
        CelRules.compileError(rule.getValue())
            .ifPresent(e -> notCompiled.add(rule.getKey() + ": " + rule.getValue() + " — " + e));
      }
      assertThat(notCompiled).as(platform.toString()).isEmpty();
      assertThat(ApiSchemas.of(platform).celRules()).as(platform.toString()).isNotEmpty();
    }
  }

  @Test
  void an_unknown_field_in_a_deployment_fails() {
    assertRefused(
        Platform.NEWEST,
        "Deployment",
        o -> container(o).put("livenessProbes", "typo"),
        "unknown field \"livenessProbes\"");
  }

  @Test
  void a_value_outside_a_core_enum_fails() {
    assertRefused(
        Platform.LOWEST,
        "Deployment",
        o -> container(o).put("imagePullPolicy", "Sometimes"),
        "imagePullPolicy");
  }

  @Test
  void a_malformed_quantity_fails() {
    assertRefused(
        Platform.LOWEST,
        "Deployment",
        o -> ((ObjectNode) container(o).path("resources").path("limits")).put("memory", "2 Gi"),
        "not a quantity");
  }

  @Test
  void an_unknown_field_in_a_strimzi_kafka_connector_fails() {
    assertRefused(
        Platform.NEWEST,
        "KafkaConnector",
        o -> ((ObjectNode) o.path("spec")).put("taskMax", 1),
        "unknown field \"taskMax\"");
  }

  @Test
  void an_unknown_field_in_a_prometheus_operator_service_monitor_fails() {
    assertRefused(
        Platform.LOWEST,
        "ServiceMonitor",
        o -> ((ObjectNode) o.path("spec").path("endpoints").get(0)).put("paths", "/q/metrics"),
        "unknown field \"paths\"");
  }

  @Test
  void an_unknown_field_in_a_prometheus_operator_pod_monitor_fails() {
    for (Platform platform : Platform.matrix()) {
      assertRefused(
          platform,
          "PodMonitor",
          o ->
              ((ObjectNode) o.path("spec").path("podMetricsEndpoints").get(0))
                  .put("targetPorts", "tcp-prometheus"),
          "unknown field \"targetPorts\"");
    }
  }

  @Test
  void an_unknown_field_in_a_keda_scaled_object_fails() {
    assertRefused(
        Platform.LOWEST,
        "ScaledObject",
        o -> ((ObjectNode) o.path("spec")).put("maxReplicas", 3),
        "unknown field \"maxReplicas\"");
  }

  @Test
  void an_unknown_field_in_a_cloudnative_pg_cluster_fails() {
    assertRefused(
        Platform.NEWEST,
        "Cluster",
        o -> ((ObjectNode) o.path("spec").path("bootstrap").path("initdb")).put("databse", "x"),
        "unknown field \"databse\"");
  }

  @Test
  void an_api_version_the_operator_no_longer_serves_fails() {
    assertRefused(
        Platform.NEWEST,
        "Kafka",
        o -> o.put("apiVersion", "kafka.strimzi.io/v1beta2"),
        "not a version this platform serves");
  }

  @Test
  void a_cel_rule_of_a_crd_is_evaluated() {
    // CloudNativePG: "imageName and imageCatalogRef are mutually exclusive" (an
    // x-kubernetes-validations rule).
    for (Platform platform : Platform.matrix()) {
      assertRefused(
          platform,
          "Cluster",
          o ->
              ((ObjectNode) o.path("spec"))
                  .putObject("imageCatalogRef")
                  .put("apiGroup", "postgresql.cnpg.io")
                  .put("kind", "ImageCatalog")
                  .put("name", "postgresql")
                  .put("major", 17),
          "rule is false");
    }
  }

  @Test
  void keda_2_18_and_later_check_min_against_max_replicas_with_cel() {
    assertRefused(
        Platform.NEWEST,
        "ScaledObject",
        o -> ((ObjectNode) o.path("spec")).put("minReplicaCount", 50),
        "rule is false");
  }

  // Fields only the newest versions know: what the transcribed schemas let through (issue 15, item
  // 4).

  @Test
  void cloudnative_pg_1_25_refuses_postgresql_extensions() {
    Consumer<ObjectNode> extensions =
        o ->
            ((ObjectNode) o.path("spec").path("postgresql"))
                .putArray("extensions")
                .addObject()
                .put("name", "pgvector")
                .putObject("image")
                .put("reference", "example.com/pgvector:1");
    assertRefused(Platform.LOWEST, "Cluster", extensions, "unknown field \"extensions\"");
    assertAccepted(Platform.NEWEST, "Cluster", extensions);
  }

  @Test
  void cloudnative_pg_1_25_refuses_synchronize_logical_decoding() {
    Consumer<ObjectNode> sync =
        o ->
            ((ObjectNode) o.path("spec").path("replicationSlots").path("highAvailability"))
                .put("synchronizeLogicalDecoding", true);
    assertRefused(Platform.LOWEST, "Cluster", sync, "synchronizeLogicalDecoding");
    assertAccepted(Platform.NEWEST, "Cluster", sync);
  }

  @Test
  void cloudnative_pg_1_25_refuses_a_pod_security_context() {
    Consumer<ObjectNode> psc =
        o ->
            ((ObjectNode) o.path("spec")).putObject("podSecurityContext").put("runAsNonRoot", true);
    assertRefused(Platform.LOWEST, "Cluster", psc, "podSecurityContext");
    assertAccepted(Platform.NEWEST, "Cluster", psc);
  }

  @Test
  void a_pooler_of_type_r_is_refused_by_cloudnative_pg_1_25() {
    Consumer<ObjectNode> r = o -> ((ObjectNode) o.path("spec")).put("type", "r");
    assertRefused(Platform.LOWEST, "Pooler", r, "type");
    assertAccepted(Platform.NEWEST, "Pooler", r);
  }

  @Test
  void keda_2_17_refuses_an_hpa_behavior_tolerance() {
    Consumer<ObjectNode> tolerance =
        o ->
            ((ObjectNode)
                    o.path("spec")
                        .path("advanced")
                        .path("horizontalPodAutoscalerConfig")
                        .path("behavior")
                        .path("scaleDown"))
                .put("tolerance", "0.1");
    assertRefused(Platform.LOWEST, "ScaledObject", tolerance, "tolerance");
    assertAccepted(Platform.NEWEST, "ScaledObject", tolerance);
  }

  @Test
  void an_object_of_a_kind_without_a_schema_fails() {
    ObjectNode unknown = Chart.JSON.createObjectNode();
    unknown.put("apiVersion", "example.com/v1").put("kind", "Widget");
    unknown.putObject("metadata").put("name", "w");

    assertThat(SchemaValidator.problems(Platform.NEWEST, unknown))
        .singleElement()
        .asString()
        .contains("no schema for example.com/v1/Widget");
  }

  private static ObjectNode container(ObjectNode deployment) {
    return (ObjectNode)
        deployment.path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static ObjectNode first(Platform platform, String kind) {
    return Chart.ofKind(Chart.objects(null, platform), kind).get(0).deepCopy();
  }

  private static void assertRefused(
      Platform platform, String kind, Consumer<ObjectNode> corrupt, String expected) {
    ObjectNode object = first(platform, kind);
    assertThat(SchemaValidator.problems(platform, object)).as("before, on " + platform).isEmpty();

    corrupt.accept(object);

    assertThat(SchemaValidator.problems(platform, object))
        .as(kind + " on " + platform)
        .isNotEmpty()
        .anySatisfy(p -> assertThat(p).contains(expected));
  }

  private static void assertAccepted(Platform platform, String kind, Consumer<ObjectNode> change) {
    ObjectNode object = first(platform, kind);
    change.accept(object);

    assertThat(SchemaValidator.problems(platform, object)).as(kind + " on " + platform).isEmpty();
  }
}
