package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every workload the chart renders (Deployments, StatefulSets, the test hook pod) follows the
 * policy: probes, requests and limits, non-root with a read-only root filesystem, a
 * PodDisruptionBudget that still lets a node drain, and a grace period longer than the app's own
 * shutdown timeout.
 */
class WorkloadPolicyTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A workload: its id, pod template labels and pod spec. */
  record Workload(String id, String name, Map<String, String> labels, PodSpec pod, boolean hook) {}

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  static List<Workload> workloads(List<ObjectNode> objects) throws Exception {
    List<Workload> workloads = new ArrayList<>();
    for (ObjectNode o : objects) {
      String kind = o.path("kind").asText();
      if (kind.equals("Deployment") || kind.equals("StatefulSet")) {
        JsonNode template = o.path("spec").path("template");
        workloads.add(
            new Workload(
                Chart.id(o),
                Chart.name(o),
                MAPPER.convertValue(template.path("metadata").path("labels"), Map.class),
                MAPPER.treeToValue(template.path("spec"), PodSpec.class),
                false));
      } else if (kind.equals("Pod")) {
        workloads.add(
            new Workload(
                Chart.id(o),
                Chart.name(o),
                MAPPER.convertValue(o.path("metadata").path("labels"), Map.class),
                MAPPER.treeToValue(o.path("spec"), PodSpec.class),
                o.path("metadata").path("annotations").has("helm.sh/hook")));
      }
    }
    return workloads;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_container_has_requests_and_limits_for_cpu_and_memory(String label, Path values)
      throws Exception {
    for (Workload w : workloads(Chart.objects(values))) {
      for (Container c : w.pod().getContainers()) {
        var r = c.getResources();
        assertThat(r).as(w.id()).isNotNull();
        assertThat(r.getRequests()).as(w.id() + " requests").containsKeys("cpu", "memory");
        assertThat(r.getLimits()).as(w.id() + " limits").containsKeys("cpu", "memory");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_container_runs_as_non_root_on_a_read_only_root_filesystem_without_privileges(
      String label, Path values) throws Exception {
    for (Workload w : workloads(Chart.objects(values))) {
      PodSecurityContext pod = w.pod().getSecurityContext();
      assertThat(w.pod().getHostNetwork()).as(w.id()).isNotEqualTo(Boolean.TRUE);
      assertThat(w.pod().getAutomountServiceAccountToken()).as(w.id() + " token").isFalse();
      for (Container c : w.pod().getContainers()) {
        SecurityContext sc = c.getSecurityContext();
        assertThat(sc).as(w.id()).isNotNull();
        boolean nonRoot =
            Boolean.TRUE.equals(sc.getRunAsNonRoot())
                || (pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot()));
        assertThat(nonRoot).as(w.id() + " runAsNonRoot").isTrue();
        Long uid =
            sc.getRunAsUser() != null ? sc.getRunAsUser() : pod == null ? null : pod.getRunAsUser();
        assertThat(uid).as(w.id() + " runAsUser").isNotNull().isNotZero();
        assertThat(sc.getReadOnlyRootFilesystem()).as(w.id() + " read-only root").isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).as(w.id() + " escalation").isFalse();
        assertThat(sc.getPrivileged()).as(w.id()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop()).as(w.id() + " capabilities").contains("ALL");
        assertThat(sc.getCapabilities().getAdd()).as(w.id()).isNullOrEmpty();
      }
      assertThat(pod.getSeccompProfile().getType()).as(w.id()).isEqualTo("RuntimeDefault");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_long_running_container_has_readiness_and_liveness_probes(String label, Path values)
      throws Exception {
    for (Workload w : workloads(Chart.objects(values))) {
      if (w.hook()) {
        continue; // a test pod runs to completion
      }
      for (Container c : w.pod().getContainers()) {
        assertThat(c.getReadinessProbe()).as(w.id() + " readiness").isNotNull();
        assertThat(c.getLivenessProbe()).as(w.id() + " liveness").isNotNull();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_app_probes_its_real_quarkus_health_endpoints(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      Container c = appContainer(objects, app);
      assertThat(httpPath(c.getReadinessProbe())).as(app).isEqualTo("/q/health/ready");
      assertThat(httpPath(c.getLivenessProbe())).as(app).isEqualTo("/q/health/live");
      assertThat(httpPath(c.getStartupProbe())).as(app).isEqualTo("/q/health/started");
      assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
      assertThat(Repo.read(Repo.appDir(app).resolve("pom.xml")))
          .as(app + " serves /q/health")
          .contains("quarkus-smallrye-health");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_grace_period_outlasts_the_pre_stop_pause_plus_the_apps_shutdown_timeout(
      String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      Deployment d = deployment(objects, app);
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      Container c = pod.getContainers().get(0);
      long preStop =
          c.getLifecycle() == null || c.getLifecycle().getPreStop().getSleep() == null
              ? 0
              : c.getLifecycle().getPreStop().getSleep().getSeconds();
      Duration shutdown = AppConfig.of(app).shutdownTimeout();

      assertThat(shutdown).as(app + " has a graceful shutdown timeout").isPositive();
      assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds()))
          .as(
              "%s: grace %ss vs preStop %ss + quarkus.shutdown.timeout %s",
              app, pod.getTerminationGracePeriodSeconds(), preStop, shutdown)
          .isGreaterThan(shutdown.plusSeconds(preStop));
      assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
          .as(app + " rolls out without losing capacity")
          .isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_workload_has_a_disruption_budget_that_still_lets_a_node_drain(
      String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (Workload w : workloads(objects)) {
      if (w.hook()) {
        continue;
      }
      List<PodDisruptionBudget> budgets = new ArrayList<>();
      for (ObjectNode o : Chart.ofKind(objects, "PodDisruptionBudget")) {
        PodDisruptionBudget pdb = MAPPER.treeToValue(o, PodDisruptionBudget.class);
        if (w.labels()
            .entrySet()
            .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet())) {
          budgets.add(pdb);
        }
      }
      assertThat(budgets).as(w.id() + " is covered by exactly one PDB").hasSize(1);
      var minAvailable = budgets.get(0).getSpec().getMinAvailable();
      if (minAvailable != null
          && minAvailable.getIntVal() != null
          && minAvailable.getIntVal() > 0) {
        assertThat(minimumReplicas(objects, w.name()))
            .as(
                w.id()
                    + ": the fewest replicas must exceed minAvailable, or no drain can evict one")
            .isGreaterThan(minAvailable.getIntVal());
      }
    }
  }

  /** The fewest replicas a workload can run with: its autoscaler's minimum, or its replicas. */
  static int minimumReplicas(List<ObjectNode> objects, String name) {
    for (ObjectNode o : Chart.ofKind(objects, "HorizontalPodAutoscaler")) {
      if (o.path("spec").path("scaleTargetRef").path("name").asText().equals(name)) {
        return o.path("spec").path("minReplicas").asInt(1);
      }
    }
    for (ObjectNode o : Chart.ofKind(objects, "ScaledObject")) {
      if (o.path("spec").path("scaleTargetRef").path("name").asText().equals(name)) {
        return o.path("spec").path("minReplicaCount").asInt(0);
      }
    }
    return objects.stream()
        .filter(o -> Chart.name(o).equals(name) && o.path("spec").has("replicas"))
        .findFirst()
        .map(o -> o.path("spec").path("replicas").asInt())
        .orElse(1);
  }

  static Deployment deployment(List<ObjectNode> objects, String app) throws Exception {
    ObjectNode node = Chart.find(objects, "Deployment", Chart.component(app)).orElseThrow();
    return MAPPER.treeToValue(node, Deployment.class);
  }

  static Container appContainer(List<ObjectNode> objects, String app) throws Exception {
    return deployment(objects, app).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static String httpPath(Probe probe) {
    assertThat(probe).isNotNull();
    return probe.getHttpGet().getPath();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_stateful_set_is_governed_by_a_headless_service_that_selects_its_pods(
      String label, Path values) {
    // StatefulSet pods get their DNS names from the governing Service named in serviceName, which
    // must exist and be headless (Kubernetes docs, StatefulSets: "Limitations").
    List<ObjectNode> objects = Chart.objects(values);
    for (ObjectNode set : Chart.ofKind(objects, "StatefulSet")) {
      String serviceName = set.path("spec").path("serviceName").asText();
      ObjectNode service =
          Chart.find(objects, "Service", serviceName)
              .orElseThrow(() -> new AssertionError(Chart.id(set) + ": no Service " + serviceName));
      assertThat(service.path("spec").path("clusterIP").asText())
          .as(Chart.id(service) + " governs " + Chart.id(set))
          .isEqualTo("None");
      JsonNode podLabels = set.path("spec").path("template").path("metadata").path("labels");
      service
          .path("spec")
          .path("selector")
          .fields()
          .forEachRemaining(
              e ->
                  assertThat(podLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    }
  }
}
