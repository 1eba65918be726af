package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart lints strictly and renders with its defaults and each ci/ values file. */
class ChartRenderTest {

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void helm_lint_strict_reports_nothing(String label, Path values) {
    LintResult lint = Chart.lintStrict(values);

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages())
        .as("lint messages with " + label)
        .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void helm_template_renders_every_part_of_the_system(String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);

    assertThat(objects).isNotEmpty();
    for (String app : Repo.APPS) {
      assertThat(Chart.find(objects, "Deployment", Chart.component(app))).as(app).isPresent();
      assertThat(Chart.find(objects, "Service", Chart.component(app))).as(app).isPresent();
      assertThat(Chart.find(objects, "PodDisruptionBudget", Chart.component(app)))
          .as(app)
          .isPresent();
    }
    assertThat(Chart.ofKind(objects, "Kafka")).hasSize(1);
    assertThat(Chart.ofKind(objects, "KafkaNodePool")).hasSize(1);
    assertThat(Chart.ofKind(objects, "KafkaConnect")).hasSize(1);
    // One database per domain service, however many their descriptors say there are.
    int services = Repo.SERVICES.size();
    assertThat(Chart.ofKind(objects, "Cluster")).hasSize(services);
    // A read-write Pooler per database, and a read-only one where the cluster has replicas.
    assertThat(Chart.ofKind(objects, "Pooler"))
        .extracting(Chart::name)
        .filteredOn(name -> name.endsWith("-pooler-rw"))
        .hasSize(services);
    assertThat(
            Chart.ofKind(objects, "Pooler").stream()
                .map(Chart::name)
                .filter(name -> name.endsWith("-pooler-ro"))
                .count())
        .isIn(0L, (long) services);
    // A ScaledObject per consumer (those that consume nothing scale on CPU alone).
    assertThat(Chart.ofKind(objects, "ScaledObject"))
        .hasSize(
            (int) Repo.REGISTRY.services().stream().filter(s -> !s.consumes().isEmpty()).count());
    assertThat(Chart.ofKind(objects, "StatefulSet"))
        .extracting(Chart::name)
        .containsExactly("tessera-redis");
    assertThat(Chart.ofKind(objects, "Pod"))
        .as("the helm test hook")
        .singleElement()
        .satisfies(
            pod ->
                assertThat(pod.path("metadata").path("annotations").path("helm.sh/hook").asText())
                    .isEqualTo("test"));
  }

  @Test
  void with_a_collector_every_app_keeps_the_configured_share_of_whole_traces(@TempDir Path dir)
      throws Exception {
    for (Double ratio : new Double[] {null, 1.0}) {
      List<ObjectNode> objects = Chart.parse(Chart.template(tracing(dir, ratio), Map.of()));
      for (String app : Repo.APPS) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        WorkloadPolicyTest.appContainer(objects, app)
            .getEnv()
            .forEach(e -> env.put(e.getName(), e.getValue()));
        assertThat(env)
            .as(app)
            .hasEntrySatisfying(
                "QUARKUS_OTEL_TRACES_SAMPLER_ARG",
                arg -> assertThat(Double.parseDouble(arg)).isEqualTo(ratio == null ? 0.1 : ratio));
        // The share is read at run time by every app's sampler, platform/tracing's EntrySampler,
        // which is parent-based: a service follows the sampled flag of the traceparent it
        // receives. The gateway depends on it, the services through platform/eventing; Quarkus
        // ignores a sampler named in the build configuration for it, so none is.
        assertThat(Repo.read(Repo.appDir(app).resolve("pom.xml")))
            .as(app)
            .containsAnyOf(
                "<artifactId>tessera-tracing</artifactId>",
                "<artifactId>tessera-eventing</artifactId>");
        assertThat(AppConfig.of(app).get("quarkus.otel.traces.sampler")).as(app).isEmpty();
      }
    }
    assertThatThrownBy(() -> Chart.template(tracing(dir, 1.5), Map.of()))
        .hasMessageContaining("traceSampleRatio");
  }

  /** Values with a collector and, unless null, the share of traces kept. */
  private static Path tracing(Path dir, Double ratio) throws IOException {
    ObjectNode values = Chart.YAML.createObjectNode();
    ObjectNode common = values.putObject("common");
    common.put("otlpEndpoint", "http://collector.observability:4317");
    if (ratio != null) {
      common.put("traceSampleRatio", ratio);
    }
    Path file = dir.resolve("tracing-" + ratio + ".yaml");
    Chart.YAML.writeValue(file.toFile(), values);
    return file;
  }

  @Test
  void the_schema_rejects_an_unknown_top_level_key() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("replicaCount", 3)))
        .hasMessageContaining("replicaCount");
  }

  @Test
  void the_schema_rejects_a_misspelt_key_deep_inside_an_app() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("apps.orders.autoscaling.maxReplica", 3)))
        .hasMessageContaining("maxReplica");
  }

  /**
   * A values file adding apps.shipping: billing's block, consuming orders.order.events in its own
   * group, publishing through its outbox, no mailer; {@code change} edits the block first.
   */
  private static Path withShipping(Path dir, Consumer<ObjectNode> change) throws IOException {
    JsonNode defaults = Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
    ObjectNode shipping = ((ObjectNode) defaults.path("apps").path("billing")).deepCopy();
    assertThat(shipping.path("database").asBoolean()).as("billing's block has database").isTrue();
    assertThat(shipping.has("mailer")).as("billing's block has no mailer").isFalse();
    ObjectNode consumer = (ObjectNode) shipping.path("consumer");
    consumer.put("group", "shipping");
    consumer.putArray("topics").add("orders.order.events");
    shipping.put("outbox", true);
    change.accept(shipping);
    ObjectNode values = Chart.YAML.createObjectNode();
    values.putObject("apps").set("shipping", shipping);
    Path file = dir.resolve("shipping-values.yaml");
    Chart.YAML.writeValue(file.toFile(), values);
    return file;
  }

  @Test
  void a_new_service_is_one_apps_block_with_no_schema_edit(@TempDir Path dir) throws Exception {
    Path values = withShipping(dir, shipping -> {});

    LintResult lint = Chart.lintStrict(values);
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    List<ObjectNode> objects = Chart.parse(Chart.template(values, Map.of()));
    assertThat(Chart.find(objects, "Deployment", Chart.component("shipping"))).isPresent();
    assertThat(Chart.find(objects, "Job", Chart.component("shipping-migrations") + "-1"))
        .as("its migration Job")
        .isPresent();
    assertThat(Chart.find(objects, "Cluster", Chart.component("shipping-db")))
        .as("its database")
        .isPresent();
    assertThat(Chart.find(objects, "KafkaConnector", "tessera-shipping-outbox"))
        .as("its outbox connector")
        .isPresent();
    assertThat(Chart.find(objects, "ScaledObject", Chart.component("shipping")))
        .as("scaled on its consumer lag")
        .isPresent();
    assertThat(
            WorkloadPolicyTest.appContainer(objects, "gateway").getEnv().stream()
                .map(e -> e.getName()))
        .as("the gateway's upstreams")
        .contains("TESSERA_GATEWAY_UPSTREAMS_SHIPPING");
  }

  @Test
  void a_misspelt_key_in_a_new_service_is_refused(@TempDir Path dir) throws IOException {
    Path values =
        withShipping(dir, shipping -> shipping.set("replica", shipping.remove("replicas")));

    assertThatThrownBy(() -> Chart.template(values, Map.of()))
        .hasMessageContaining("apps.shipping")
        .hasMessageFindingMatch("\\breplica\\b");
  }

  @Test
  void an_app_name_that_is_not_a_lowercase_word_is_refused(@TempDir Path dir) throws IOException {
    Path values = withShipping(dir, shipping -> {});
    String text = Files.readString(values).replace("shipping:", "Ship_ping:");
    Files.writeString(values, text);

    assertThatThrownBy(() -> Chart.template(values, Map.of())).hasMessageContaining("Ship_ping");
  }

  @Test
  void a_dlq_replay_image_that_is_not_a_service_is_refused() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    null, Map.of("dlqReplay.enabled", true, "dlqReplay.image", "gateway")))
        .hasMessageContaining("dlqReplay.image: gateway is not a domain service");
  }

  @Test
  void the_schema_rejects_a_root_container() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("podSecurityContext.runAsNonRoot", false)))
        .hasMessageContaining("runAsNonRoot");
  }

  @Test
  void external_kafka_without_bootstrap_servers_is_refused() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("kafka.enabled", false)))
        .hasMessageContaining("kafka.external.bootstrapServers");
  }

  @Test
  void a_dlq_replay_topic_that_no_consumer_writes_is_refused() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    null,
                    Map.of("dlqReplay.enabled", true, "dlqReplay.topics[0]", "nobody.writes.dlq")))
        .hasMessageContaining("dlqReplay.topics: nobody.writes.dlq");
  }

  @Test
  void switched_off_dependencies_render_none_of_their_resources() {
    List<ObjectNode> objects =
        Chart.parse(
            Chart.template(
                null,
                Map.of(
                    "kafka.enabled", false,
                    "kafka.external.bootstrapServers", "kafka.example:9092",
                    "postgres.enabled", false,
                    "postgres.external.host", "pg.example",
                    "redis.enabled", false,
                    "redis.external.hosts", "redis://redis.example:6379",
                    "connect.enabled", false)));

    assertThat(objects)
        .extracting(o -> o.path("kind").asText())
        .doesNotContain("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaConnect", "KafkaConnector")
        .doesNotContain("Cluster", "Pooler", "StatefulSet");
    for (Platform platform : Platform.matrix()) {
      assertThat(SchemaValidator.problems(platform, objects)).as(platform.toString()).isEmpty();
    }
  }
}
