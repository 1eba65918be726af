package dev.tessera.deploy;

import java.util.List;
import java.util.Map;

/**
 * One end of the supported range: a Kubernetes version and a version of each operator, with the
 * published schemas of each (vendored under resources/k8s-schemas, see SOURCES there), and the
 * values a user of that range must set. Chart.yaml, its kubeVersion and docs/deploy.md state
 * exactly the range between {@link #LOWEST} and {@link #NEWEST}.
 */
record Platform(
    String name,
    String kubernetes,
    String strimzi,
    String keda,
    String cloudnativePg,
    String prometheusOperator,
    String gatewayApi,
    Map<String, Object> values) {

  /**
   * The oldest of everything the chart supports. Strimzi 0.49/0.50 run Kafka up to 4.1.1 only, so a
   * user of them sets kafka.version to it; CloudNativePG 1.25's Cluster has no
   * synchronizeLogicalDecoding, so failover slots are off (docs/deploy.md).
   */
  static final Platform LOWEST =
      new Platform(
          "lowest",
          "1.30",
          "0.49.0",
          "2.17.0",
          "1.25.0",
          "0.70.0",
          "1.0.0",
          Map.of("kafka.version", "4.1.1", "postgres.failoverSlots", false));

  /** The newest of everything, with the chart's default values. */
  static final Platform NEWEST =
      new Platform("newest", "1.36", "1.2.0", "2.20.2", "1.30.0", "0.93.0", "1.6.1", Map.of());

  /** The version matrix: each entry is a whole run of the validation. */
  static List<Platform> matrix() {
    return List.of(LOWEST, NEWEST);
  }

  /** The folders under resources/k8s-schemas holding this platform's CRDs. */
  List<String> crdFolders() {
    return List.of(
        "strimzi-" + strimzi,
        "keda-v" + keda,
        "cnpg-v" + cloudnativePg,
        "promop-v" + prometheusOperator,
        "gateway-api-v" + gatewayApi);
  }

  /** The folder holding Kubernetes' swagger.json and enums.json. */
  String kubernetesFolder() {
    return "k8s-" + kubernetes;
  }

  @Override
  public String toString() {
    return name
        + " (Kubernetes "
        + kubernetes
        + ", Strimzi "
        + strimzi
        + ", KEDA "
        + keda
        + ", CloudNativePG "
        + cloudnativePg
        + ", Prometheus Operator "
        + prometheusOperator
        + ", Gateway API "
        + gatewayApi
        + ")";
  }
}
