package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart (kubeVersion, annotations), docs/deploy.md and NOTES.txt state exactly the version
 * range the schema tests validate, from {@link Platform#LOWEST} to {@link Platform#NEWEST}.
 */
class SupportedVersionsTest {

  /** Annotation key in Chart.yaml, and the row name in docs/deploy.md → "lowest - newest". */
  private static Map<String, List<String>> ranges() {
    Platform low = Platform.LOWEST;
    Platform high = Platform.NEWEST;
    return Map.of(
        "kubernetes", List.of("Kubernetes", low.kubernetes() + " - " + high.kubernetes()),
        "strimzi", List.of("Strimzi", low.strimzi() + " - " + high.strimzi()),
        "cloudnative-pg",
            List.of("CloudNativePG", low.cloudnativePg() + " - " + high.cloudnativePg()),
        "keda", List.of("KEDA", low.keda() + " - " + high.keda()),
        "prometheus-operator",
            List.of(
                "Prometheus Operator",
                low.prometheusOperator() + " - " + high.prometheusOperator()),
        "gateway-api", List.of("Gateway API", low.gatewayApi() + " - " + high.gatewayApi()));
  }

  @Test
  void chart_yaml_states_exactly_the_validated_range() throws Exception {
    JsonNode chart = Chart.YAML.readTree(Repo.chart().resolve("Chart.yaml").toFile());
    int newestMinor = Integer.parseInt(Platform.NEWEST.kubernetes().split("\\.")[1]);

    assertThat(chart.path("kubeVersion").asText())
        .isEqualTo(
            ">= " + Platform.LOWEST.kubernetes() + ".0-0, < 1." + (newestMinor + 1) + ".0-0");
    ranges()
        .forEach(
            (key, range) ->
                assertThat(chart.path("annotations").path("tessera.dev/" + key).asText())
                    .as(key)
                    .isEqualTo(range.get(1)));
  }

  @Test
  void the_deploy_guide_states_the_same_range_and_pins_each_operator_install() {
    List<String> lines = Repo.read(Repo.root().resolve("docs/deploy.md")).lines().toList();
    ranges()
        .values()
        .forEach(
            range ->
                assertThat(lines)
                    .as(range.get(0) + " in the prerequisites table")
                    .anySatisfy(
                        l ->
                            assertThat(l)
                                .startsWith("| " + range.get(0) + " |")
                                .contains(range.get(1))));
    for (Platform platform : Platform.matrix()) {
      assertThat(lines)
          .as("pinned installs for " + platform)
          .anySatisfy(
              l -> assertThat(l).contains("strimzi-kafka-operator --version " + platform.strimzi()))
          .anySatisfy(l -> assertThat(l).contains("kedacore/keda --version " + platform.keda()))
          .anySatisfy(
              l ->
                  assertThat(l)
                      .contains("gateway-api/releases/download/v" + platform.gatewayApi()));
    }
  }

  @Test
  void notes_name_each_operator_api_a_cluster_without_the_operators_lacks() {
    // A client-only dry run has Helm's default capabilities: no CRD at all.
    String output =
        new Helm(Chart.renderable())
            .install()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .clientOnly()
            .dryRun()
            .withValuesFile(Repo.chart().resolve("ci/prod-values.yaml"))
            .call()
            .getOutput();

    assertThat(output)
        .contains("does not serve these APIs")
        .contains(
            "kafka.strimzi.io/v1/Kafka",
            "kafka.strimzi.io/v1/KafkaConnector",
            "postgresql.cnpg.io/v1/Cluster",
            "postgresql.cnpg.io/v1/Pooler",
            "postgresql.cnpg.io/v1/ScheduledBackup",
            "keda.sh/v1alpha1/ScaledObject",
            "keda.sh/v1alpha1/TriggerAuthentication",
            "monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PodMonitor",
            "monitoring.coreos.com/v1/PrometheusRule",
            "gateway.networking.k8s.io/v1/HTTPRoute");
  }
}
