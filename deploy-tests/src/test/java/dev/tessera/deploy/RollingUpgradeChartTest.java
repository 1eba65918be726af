package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a release changes, and what keeps a rolling upgrade from losing requests: two consecutive
 * chart versions (another version, appVersion and image tag) restart the applications and nothing
 * else; the gateway reaches each service's pods one by one; the stateful parts spread over nodes;
 * migrations run in one Job per release and never in an app's start.
 */
class RollingUpgradeChartTest {

  /** Kinds whose whole object an operator turns into pods (it copies labels to them, too). */
  private static final Set<String> OPERATOR_KINDS =
      Set.of("Kafka", "KafkaNodePool", "KafkaConnect", "KafkaConnector", "Cluster", "Pooler");

  private static final Set<String> TEMPLATE_KINDS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "Job");

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_next_chart_version_changes_only_the_pod_templates_of_the_applications(
      String label, Path values) {
    Map<String, JsonNode> before = podTemplates(render(Chart.renderable(), values, "1.4.0"));
    Map<String, JsonNode> after =
        podTemplates(render(nextVersion(Chart.renderable(), "1.5.0"), values, "1.5.0"));

    assertThat(after.keySet()).as("the same workloads").isEqualTo(before.keySet());
    Set<String> changed = new TreeSet<>();
    before.forEach(
        (id, template) -> {
          if (!template.equals(after.get(id))) {
            changed.add(id);
          }
        });
    Set<String> applications = new TreeSet<>();
    before.forEach(
        (id, template) -> {
          if (runsAnApplicationImage(template)) {
            applications.add(id);
          }
        });
    Set<String> stateful = new TreeSet<>(before.keySet());
    stateful.removeAll(applications);

    assertThat(applications)
        .as("the gateway, the services and their migration Jobs")
        .contains(
            "Deployment/tessera-gateway",
            "Deployment/tessera-orders",
            "Job/tessera-orders-migrations-1");
    assertThat(stateful)
        .as("Redis, Kafka, Connect and PostgreSQL are compared too")
        .contains("StatefulSet/tessera-redis", "Kafka/tessera-kafka", "Cluster/tessera-orders-db");
    assertThat(changed).as("%s: what restarts with a new release", label).isEqualTo(applications);
  }

  @Test
  void a_change_of_redis_own_configuration_does_change_its_pod_template() {
    Map<String, JsonNode> before = podTemplates(render(Chart.renderable(), null, "1.4.0"));
    Map<String, JsonNode> after =
        podTemplates(
            Chart.parse(
                template(Chart.renderable(), null, "1.4.0")
                    .set("redis.resources.limits.memory", "384Mi")
                    .call()));

    assertThat(after.get("StatefulSet/tessera-redis"))
        .isNotEqualTo(before.get("StatefulSet/tessera-redis"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_gateway_reaches_every_service_pod_by_pod_through_a_headless_service(
      String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    Map<String, String> env = env(container(objects, "Deployment", "tessera-gateway", "gateway"));

    assertThat(env).containsEntry("TESSERA_GATEWAY_DISCOVERY_ENABLED", "true");
    Matcher ttl =
        Pattern.compile("-Dsun\\.net\\.inetaddr\\.ttl=(\\d+)").matcher(env.get("JAVA_OPTS_APPEND"));
    assertThat(ttl.find()).as("the JVM's DNS cache is bounded").isTrue();
    String refresh = AppConfig.of("gateway").get("tessera.gateway.discovery.refresh").orElseThrow();
    assertThat(Duration.ofSeconds(Long.parseLong(ttl.group(1))))
        .as("DNS answers are cached for less than the discovery refresh")
        .isLessThan(AppConfig.parseDuration(refresh));
    int port = Integer.parseInt(env.get("QUARKUS_HTTP_PORT"));
    for (String service : Repo.SERVICES) {
      String headless = Chart.component(service) + "-pods";
      assertThat(env)
          .containsEntry(
              "TESSERA_GATEWAY_UPSTREAMS_" + service.toUpperCase(java.util.Locale.ROOT),
              "http://" + headless + "." + Chart.NAMESPACE + ".svc:" + port);
      ObjectNode svc = Chart.find(objects, "Service", headless).orElseThrow();
      assertThat(svc.path("spec").path("clusterIP").asText()).isEqualTo("None");
      assertThat(svc.path("spec").path("publishNotReadyAddresses").asBoolean(false))
          .as("only ready pods are answered")
          .isFalse();
      assertThat(svc.path("spec").path("selector"))
          .isEqualTo(
              Chart.find(objects, "Deployment", Chart.component(service))
                  .orElseThrow()
                  .path("spec")
                  .path("selector")
                  .path("matchLabels"));
      assertThat(svc.path("spec").path("ports").findValuesAsText("name"))
          .as("no metrics port: the ServiceMonitor must not scrape each pod twice")
          .containsExactly("http");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void apps_connect_and_kafka_spread_over_nodes_and_a_surge_pod_can_still_schedule(
      String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    List<JsonNode> spreads = new ArrayList<>();
    for (String app : Repo.APPS) {
      JsonNode pod =
          Chart.find(objects, "Deployment", Chart.component(app))
              .orElseThrow()
              .path("spec")
              .path("template")
              .path("spec");
      assertThat(
              pod.path("affinity")
                  .path("podAntiAffinity")
                  .has("requiredDuringSchedulingIgnoredDuringExecution"))
          .as("%s: required anti-affinity would block the surge pod of a rollout", app)
          .isFalse();
      JsonNode spread = pod.path("topologySpreadConstraints");
      assertThat(spread.findValuesAsText("matchLabelKeys").toString()).isNotNull();
      assertThat(matchLabelKeys(spread))
          .as(app + ": each revision spreads on its own")
          .contains("pod-template-hash");
      spreads.add(spread);
    }
    ObjectNode connect = Chart.ofKind(objects, "KafkaConnect").get(0);
    spreads.add(
        connect.path("spec").path("template").path("pod").path("topologySpreadConstraints"));
    ObjectNode pool = Chart.ofKind(objects, "KafkaNodePool").get(0);
    spreads.add(pool.path("spec").path("template").path("pod").path("topologySpreadConstraints"));
    for (JsonNode spread : spreads) {
      assertThat(constraint(spread, "kubernetes.io/hostname").path("whenUnsatisfiable").asText())
          .as("%s: at most one pod more on a node than on another", label)
          .isEqualTo("DoNotSchedule");
      assertThat(constraint(spread, "kubernetes.io/hostname").path("maxSkew").asInt()).isEqualTo(1);
      assertThat(
              constraint(spread, "topology.kubernetes.io/zone").path("whenUnsatisfiable").asText())
          .as("zones where the nodes have them")
          .isEqualTo("ScheduleAnyway");
    }
    for (ObjectNode cluster : Chart.ofKind(objects, "Cluster")) {
      assertThat(cluster.path("spec").path("affinity").path("enablePodAntiAffinity").asBoolean())
          .as(Chart.id(cluster))
          .isTrue();
    }
  }

  @Test
  void production_runs_at_least_two_connect_workers_with_a_disruption_budget() {
    Path prod = Repo.chart().resolve("ci/prod-values.yaml");
    for (Path values : new Path[] {null, prod}) {
      ObjectNode connect = Chart.ofKind(Chart.objects(values), "KafkaConnect").get(0);
      assertThat(connect.path("spec").path("replicas").asInt())
          .as(Chart.label(values))
          .isGreaterThanOrEqualTo(2);
      assertThat(
              connect
                  .path("spec")
                  .path("template")
                  .path("podDisruptionBudget")
                  .path("maxUnavailable")
                  .asInt())
          .isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void migrations_run_in_one_job_per_release_and_the_apps_only_wait_for_them_and_validate(
      String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String service : Repo.SERVICES) {
      ObjectNode job =
          Chart.find(objects, "Job", Chart.component(service) + "-migrations-1").orElseThrow();
      assertThat(job.path("metadata").path("annotations").has("helm.sh/hook"))
          .as("an ordinary resource: the database of a fresh install comes with the release")
          .isFalse();
      JsonNode migrate = job.path("spec").path("template").path("spec").path("containers").get(0);
      assertThat(migrate.path("command").toString()).contains("MigrationTool", "\"migrate\"");
      Map<String, String> jobEnv = env(migrate);
      assertThat(jobEnv.get("TESSERA_MIGRATIONS_LOCK_TIMEOUT")).isNotBlank();
      assertThat(jobEnv.get("TESSERA_MIGRATIONS_STATEMENT_TIMEOUT")).isNotBlank();
      assertThat(jobEnv.get("QUARKUS_DATASOURCE_JDBC_URL"))
          .as("Flyway's advisory lock needs the primary itself, not PgBouncer")
          .doesNotContain("pooler");
      assertThat(migrate.path("image").asText())
          .isEqualTo(
              container(objects, "Deployment", Chart.component(service), service)
                  .path("image")
                  .asText());

      JsonNode pod =
          Chart.find(objects, "Deployment", Chart.component(service))
              .orElseThrow()
              .path("spec")
              .path("template")
              .path("spec");
      JsonNode await = pod.path("initContainers").get(0);
      assertThat(await.path("command").toString()).contains("MigrationTool", "\"await\"");
      Map<String, String> appEnv =
          env(container(objects, "Deployment", Chart.component(service), service));
      assertThat(appEnv)
          .as(service + " validates its schema at start and migrates nothing")
          .containsEntry("QUARKUS_FLYWAY_MIGRATE_AT_START", "false")
          .containsEntry("QUARKUS_FLYWAY_VALIDATE_AT_START", "true");
      // Locally the app migrates; Quarkus validates before migrating, so it must not validate.
      assertThat(AppConfig.of(service).get("quarkus.flyway.validate-at-start"))
          .as(service)
          .isNotEqualTo(Optional.of("true"));
    }
  }

  private static List<String> matchLabelKeys(JsonNode spread) {
    List<String> keys = new ArrayList<>();
    spread.forEach(c -> c.path("matchLabelKeys").forEach(k -> keys.add(k.asText())));
    return keys;
  }

  private static JsonNode constraint(JsonNode spread, String topologyKey) {
    for (JsonNode c : spread) {
      if (topologyKey.equals(c.path("topologyKey").asText())) {
        return c;
      }
    }
    throw new AssertionError("no topology spread over " + topologyKey + " in " + spread);
  }

  private static JsonNode container(
      List<ObjectNode> objects, String kind, String name, String container) {
    for (JsonNode c :
        Chart.find(objects, kind, name)
            .orElseThrow()
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")) {
      if (container.equals(c.path("name").asText())) {
        return c;
      }
    }
    throw new AssertionError("no container " + container + " in " + kind + "/" + name);
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    container
        .path("env")
        .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText(null)));
    return env;
  }

  /** Whether a pod template runs one of Tessera's own images (an app, its migrations). */
  private static boolean runsAnApplicationImage(JsonNode template) {
    return template.findValuesAsText("image").stream().anyMatch(i -> i.contains("/tessera-"));
  }

  /**
   * What each workload's pods are made from: a pod template, or, for what an operator runs, the
   * whole custom resource. Secrets (the Redis password is random at each render) and the {@code
   * helm test} pod (made only when `helm test` runs) are left out.
   */
  private static Map<String, JsonNode> podTemplates(List<ObjectNode> objects) {
    Map<String, JsonNode> templates = new TreeMap<>();
    for (ObjectNode o : objects) {
      String kind = o.path("kind").asText();
      if (TEMPLATE_KINDS.contains(kind)) {
        templates.put(Chart.id(o), o.path("spec").path("template"));
      } else if (OPERATOR_KINDS.contains(kind)) {
        templates.put(Chart.id(o), o);
      }
    }
    return templates;
  }

  private static List<ObjectNode> render(Path chart, Path values, String tag) {
    return Chart.parse(template(chart, values, tag).call());
  }

  private static TemplateCommand template(Path chart, Path values, String tag) {
    TemplateCommand template =
        new Helm(chart)
            .template()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .set("image.tag", tag);
    return values == null ? template : template.withValuesFile(values);
  }

  /** A copy of {@code chart} as its next release: patch version + 1, {@code appVersion}. */
  private static Path nextVersion(Path chart, String appVersion) {
    try {
      Path copy = Files.createTempDirectory("tessera-next").resolve("tessera");
      try (Stream<Path> files = Files.walk(chart)) {
        for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
          Path dest = copy.resolve(chart.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(source, dest);
          }
        }
      }
      Path chartYaml = copy.resolve("Chart.yaml");
      String text = Files.readString(chartYaml);
      Matcher version = Pattern.compile("(?m)^version: (\\d+)\\.(\\d+)\\.(\\d+)$").matcher(text);
      assertThat(version.find()).isTrue();
      String next =
          version.group(1)
              + "."
              + version.group(2)
              + "."
              + (Integer.parseInt(version.group(3)) + 1);
      text = version.replaceFirst("version: " + next);
      text = text.replaceFirst("(?m)^appVersion: .*$", "appVersion: \"" + appVersion + "\"");
      Files.writeString(chartYaml, text);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
