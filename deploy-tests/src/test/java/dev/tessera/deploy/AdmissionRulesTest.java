package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operators' admission rules that their CRD schemas cannot express (webhooks and operator
 * code), each checked on every render of the version matrix, with the source it comes from.
 */
class AdmissionRulesTest {

  /**
   * The Kafka versions each Strimzi release runs: kafka-versions.yaml ("supported: true") at each
   * tag of github.com/strimzi/strimzi-kafka-operator. The operator refuses any other
   * spec.kafka.version / KafkaConnect spec.version (status "UnsupportedKafkaVersionException").
   */
  static final Map<String, Set<String>> STRIMZI_KAFKA_VERSIONS =
      Map.of(
          "0.49.0", Set.of("4.0.0", "4.0.1", "4.1.0", "4.1.1"),
          "0.50.0", Set.of("4.0.0", "4.0.1", "4.1.0", "4.1.1"),
          "0.51.0", Set.of("4.1.0", "4.1.1", "4.2.0"),
          "1.0.0", Set.of("4.1.0", "4.1.1", "4.1.2", "4.2.0"),
          "1.1.0", Set.of("4.2.0", "4.2.1", "4.3.0"),
          "1.2.0", Set.of("4.2.0", "4.2.1", "4.3.0", "4.3.1"));

  /**
   * The PgBouncer parameters CloudNativePG's Pooler webhook accepts in spec.pgbouncer.parameters:
   * AllowedPgbouncerGenericConfigurationParameters in github.com/cloudnative-pg/cloudnative-pg
   * v1.25.0 api/v1/pooler_webhook.go and v1.30.0 internal/webhook/v1/pooler_webhook.go.
   */
  static final Map<String, Set<String>> CNPG_PGBOUNCER_PARAMETERS =
      Map.of(
          "1.25.0",
          Set.of(
              "application_name_add_host",
              "autodb_idle_timeout",
              "cancel_wait_timeout",
              "client_idle_timeout",
              "client_login_timeout",
              "default_pool_size",
              "disable_pqexec",
              "dns_max_ttl",
              "dns_nxdomain_ttl",
              "idle_transaction_timeout",
              "ignore_startup_parameters",
              "listen_backlog",
              "log_connections",
              "log_disconnections",
              "log_pooler_errors",
              "log_stats",
              "max_client_conn",
              "max_db_connections",
              "max_packet_size",
              "max_prepared_statements",
              "max_user_connections",
              "min_pool_size",
              "pkt_buf",
              "query_timeout",
              "query_wait_timeout",
              "reserve_pool_size",
              "reserve_pool_timeout",
              "sbuf_loopcnt",
              "server_check_delay",
              "server_check_query",
              "server_connect_timeout",
              "server_fast_close",
              "server_idle_timeout",
              "server_lifetime",
              "server_login_retry",
              "server_reset_query",
              "server_reset_query_always",
              "server_round_robin",
              "server_tls_ciphers",
              "server_tls_protocols",
              "stats_period",
              "suspend_timeout",
              "tcp_defer_accept",
              "tcp_socket_buffer",
              "tcp_keepalive",
              "tcp_keepcnt",
              "tcp_keepidle",
              "tcp_keepintvl",
              "tcp_user_timeout",
              "track_extra_parameters"),
          "1.30.0",
          Set.of(
              "application_name_add_host",
              "auth_type",
              "autodb_idle_timeout",
              "cancel_wait_timeout",
              "client_idle_timeout",
              "client_login_timeout",
              "client_tls_ciphers",
              "client_tls_sslmode",
              "default_pool_size",
              "disable_pqexec",
              "dns_max_ttl",
              "dns_nxdomain_ttl",
              "idle_transaction_timeout",
              "ignore_startup_parameters",
              "listen_backlog",
              "log_connections",
              "log_disconnections",
              "log_pooler_errors",
              "log_stats",
              "max_client_conn",
              "max_db_connections",
              "max_packet_size",
              "max_prepared_statements",
              "max_user_connections",
              "min_pool_size",
              "pkt_buf",
              "query_timeout",
              "query_wait_timeout",
              "reserve_pool_size",
              "reserve_pool_timeout",
              "sbuf_loopcnt",
              "server_check_delay",
              "server_check_query",
              "server_connect_timeout",
              "server_fast_close",
              "server_idle_timeout",
              "server_lifetime",
              "server_login_retry",
              "server_reset_query",
              "server_reset_query_always",
              "server_round_robin",
              "server_tls_ciphers",
              "server_tls_protocols",
              "server_tls_sslmode",
              "stats_period",
              "suspend_timeout",
              "tcp_defer_accept",
              "tcp_socket_buffer",
              "tcp_keepalive",
              "tcp_keepcnt",
              "tcp_keepidle",
              "tcp_keepintvl",
              "tcp_user_timeout",
              "track_extra_parameters",
              "verbose"));

  /**
   * The trigger metadata keys KEDA's Kafka scaler reads (the CRD types metadata as a free string
   * map, so a misspelt key is silently ignored): pkg/scalers/kafka_scaler.go of
   * github.com/kedacore/keda at v2.17.0 (TriggerMetadata[...] reads and the lag threshold
   * constants) and v2.20.2 (the keda:"name=…,order=triggerMetadata…" tags); keys both read.
   */
  static final Set<String> KEDA_KAFKA_METADATA =
      Set.of(
          "bootstrapServers",
          "bootstrapServersFromEnv",
          "consumerGroup",
          "consumerGroupFromEnv",
          "topic",
          "topicFromEnv",
          "partitionLimitation",
          "lagThreshold",
          "activationLagThreshold",
          "offsetResetPolicy",
          "allowIdleConsumers",
          "excludePersistentLag",
          "scaleToZeroOnInvalidOffset",
          "limitToPartitionsWithLag",
          "version",
          "tls",
          "unsafeSsl",
          "sasl",
          "saslTokenProvider",
          "awsRegion");

  static Stream<Arguments> matrix() {
    return SchemaValidationTest.matrix();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void keda_accepts_each_fallback_because_a_kafka_trigger_says_average_value(
      Platform platform, String label, Path values) {
    for (ObjectNode scaledObject : Chart.ofKind(Chart.objects(values, platform), "ScaledObject")) {
      assertThat(kedaFallbackRefusal(platform.keda(), scaledObject))
          .as(Chart.id(scaledObject) + " on KEDA " + platform.keda())
          .isNull();
    }
  }

  /**
   * KEDA's CheckFallbackValid (apis/keda/v1alpha1/scaledobject_types.go, called by the webhook):
   * with a fallback and no scalingModifiers, some trigger other than cpu/memory must exist and — in
   * 2.17.0, before kedacore/keda#6696 (2.17.1) — have metricType spelt out as AverageValue. Null
   * when accepted, else KEDA's message.
   */
  static String kedaFallbackRefusal(String kedaVersion, JsonNode scaledObject) {
    JsonNode spec = scaledObject.path("spec");
    if (!spec.has("fallback") || spec.path("advanced").has("scalingModifiers")) {
      return null;
    }
    boolean strict = kedaVersion.equals("2.17.0");
    for (JsonNode trigger : spec.path("triggers")) {
      String type = trigger.path("type").asText();
      if (type.equals("cpu") || type.equals("memory")) {
        continue;
      }
      if (!strict || trigger.path("metricType").asText().equals("AverageValue")) {
        return null;
      }
    }
    return "at least one trigger (that is not cpu or memory) has to have the `AverageValue` type"
        + " for the fallback to be enabled";
  }

  @Test
  void keda_2_17_0_refuses_a_fallback_whose_kafka_trigger_leaves_the_metric_type_unset() {
    ObjectNode scaledObject =
        Chart.ofKind(Chart.objects(null, Platform.LOWEST), "ScaledObject").get(0).deepCopy();
    scaledObject.path("spec").path("triggers").forEach(t -> ((ObjectNode) t).remove("metricType"));

    assertThat(kedaFallbackRefusal("2.17.0", scaledObject)).contains("AverageValue");
    assertThat(kedaFallbackRefusal("2.20.2", scaledObject)).isNull();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void strimzi_runs_the_kafka_version_of_the_kafka_and_of_connect(
      Platform platform, String label, Path values) {
    Set<String> supported = STRIMZI_KAFKA_VERSIONS.get(platform.strimzi());
    List<ObjectNode> objects = Chart.objects(values, platform);
    for (ObjectNode kafka : Chart.ofKind(objects, "Kafka")) {
      assertThat(kafka.path("spec").path("kafka").path("version").asText())
          .as(Chart.id(kafka) + " spec.kafka.version on Strimzi " + platform.strimzi())
          .isIn(supported);
    }
    for (ObjectNode connect : Chart.ofKind(objects, "KafkaConnect")) {
      assertThat(connect.path("spec").path("version").asText())
          .as(Chart.id(connect) + " spec.version on Strimzi " + platform.strimzi())
          .isIn(supported);
    }
  }

  @Test
  void the_default_kafka_version_runs_on_strimzi_0_51_through_1_2_and_4_1_1_on_0_49_and_0_50()
      throws Exception {
    String version =
        Chart.YAML
            .readTree(Repo.chart().resolve("values.yaml").toFile())
            .path("kafka")
            .path("version")
            .asText();
    for (String strimzi : List.of("0.51.0", "1.0.0", "1.1.0", "1.2.0")) {
      assertThat(STRIMZI_KAFKA_VERSIONS.get(strimzi)).as("Strimzi " + strimzi).contains(version);
    }
    for (String strimzi : List.of("0.49.0", "0.50.0")) {
      assertThat(STRIMZI_KAFKA_VERSIONS.get(strimzi)).as("Strimzi " + strimzi).contains("4.1.1");
    }
    assertThat(Platform.LOWEST.values()).containsEntry("kafka.version", "4.1.1");
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void every_kafka_connector_belongs_to_a_kafka_connect_that_reads_connector_resources(
      Platform platform, String label, Path values) {
    // Strimzi's KafkaConnector operator reconciles only connectors whose strimzi.io/cluster label
    // names a KafkaConnect annotated strimzi.io/use-connector-resources: "true"
    // (KafkaConnectAssemblyOperator; documented in "Deploying KafkaConnector resources").
    List<ObjectNode> objects = Chart.objects(values, platform);
    for (ObjectNode connector : Chart.ofKind(objects, "KafkaConnector")) {
      String cluster = label(connector, "strimzi.io/cluster");
      ObjectNode connect =
          Chart.find(objects, "KafkaConnect", cluster)
              .orElseThrow(() -> new AssertionError(Chart.id(connector) + ": no " + cluster));
      assertThat(
              connect
                  .path("metadata")
                  .path("annotations")
                  .path("strimzi.io/use-connector-resources")
                  .asText())
          .as(Chart.id(connect))
          .isEqualTo("true");
    }
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void every_topic_user_and_node_pool_names_the_kafka_cluster_it_belongs_to(
      Platform platform, String label, Path values) {
    // The Topic and User Operators watch only resources labelled with their cluster; the node pool
    // must name its Kafka (Strimzi docs, "Configuring node pools"; KafkaNodePool without the
    // label is ignored).
    List<ObjectNode> objects = Chart.objects(values, platform);
    for (ObjectNode kafka : Chart.ofKind(objects, "Kafka")) {
      for (String kind : List.of("KafkaTopic", "KafkaUser", "KafkaNodePool")) {
        assertThat(Chart.ofKind(objects, kind))
            .as(kind)
            .isNotEmpty()
            .allSatisfy(
                o -> assertThat(label(o, "strimzi.io/cluster")).isEqualTo(Chart.name(kafka)));
      }
    }
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void every_pgbouncer_parameter_is_one_cloudnative_pg_allows(
      Platform platform, String label, Path values) {
    Set<String> allowed = CNPG_PGBOUNCER_PARAMETERS.get(platform.cloudnativePg());
    for (ObjectNode pooler : Chart.ofKind(Chart.objects(values, platform), "Pooler")) {
      List<String> parameters = new ArrayList<>();
      pooler
          .path("spec")
          .path("pgbouncer")
          .path("parameters")
          .fieldNames()
          .forEachRemaining(parameters::add);
      assertThat(parameters)
          .as(Chart.id(pooler) + " on CloudNativePG " + platform.cloudnativePg())
          .allSatisfy(p -> assertThat(allowed).contains(p));
    }
  }

  @Test
  void cloudnative_pg_1_25_refuses_the_pgbouncer_tls_parameters_1_30_accepts() {
    assertThat(CNPG_PGBOUNCER_PARAMETERS.get("1.25.0"))
        .doesNotContain("client_tls_sslmode", "server_tls_sslmode", "auth_type");
    assertThat(CNPG_PGBOUNCER_PARAMETERS.get("1.30.0"))
        .contains("client_tls_sslmode", "server_tls_sslmode");
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void no_deployment_is_scaled_by_both_an_hpa_and_a_scaled_object(
      Platform platform, String label, Path values) {
    // KEDA's webhook (apis/keda/v1alpha1/scaledobject_webhook.go): "the workload '…' of type '…'
    // is already managed by the hpa '…'" — and two HPAs on one target fight each other.
    List<ObjectNode> objects = Chart.objects(values, platform);
    List<String> byHpa = new ArrayList<>();
    for (ObjectNode hpa : Chart.ofKind(objects, "HorizontalPodAutoscaler")) {
      byHpa.add(target(hpa));
    }
    for (ObjectNode scaledObject : Chart.ofKind(objects, "ScaledObject")) {
      assertThat(byHpa).as(Chart.id(scaledObject)).doesNotContain(target(scaledObject));
    }
    assertThat(byHpa).as("one HPA per Deployment").doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void every_kafka_trigger_uses_only_metadata_keda_reads(
      Platform platform, String label, Path values) {
    for (ObjectNode scaledObject : Chart.ofKind(Chart.objects(values, platform), "ScaledObject")) {
      for (JsonNode trigger : scaledObject.path("spec").path("triggers")) {
        if (trigger.path("type").asText().equals("kafka")) {
          List<String> keys = new ArrayList<>();
          trigger.path("metadata").fieldNames().forEachRemaining(keys::add);
          assertThat(keys)
              .as(Chart.id(scaledObject))
              .allSatisfy(k -> assertThat(KEDA_KAFKA_METADATA).contains(k));
        }
      }
    }
  }

  private static String target(ObjectNode scaler) {
    JsonNode ref = scaler.path("spec").path("scaleTargetRef");
    return ref.path("kind").asText() + "/" + ref.path("name").asText();
  }

  private static String label(JsonNode object, String key) {
    return object.path("metadata").path("labels").path(key).asText();
  }
}
