package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Only the gateway is reachable from outside; each app reaches only its own database, Kafka and
 * Redis if its configuration uses them, the apps it calls, and nothing else. What an app uses is
 * read from its application.properties and pom.xml when the test runs.
 */
class NetworkPolicyTest {

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_app_is_isolated_in_both_directions(String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
      assertThat(policy.path("spec").path("policyTypes").toString()).contains("Ingress", "Egress");
      assertThat(
              policy
                  .path("spec")
                  .path("podSelector")
                  .path("matchLabels")
                  .path("app.kubernetes.io/component")
                  .asText())
          .isEqualTo(app);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void no_service_but_the_gateway_admits_traffic_from_outside_the_release(
      String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      if (app.equals("gateway")) {
        continue;
      }
      ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
      for (JsonNode rule : policy.path("spec").path("ingress")) {
        assertThat(rule.has("from")).as(app + ": a rule without 'from' admits anyone").isTrue();
        for (JsonNode peer : rule.path("from")) {
          boolean releasePod =
              peer.path("podSelector")
                  .path("matchLabels")
                  .path("app.kubernetes.io/instance")
                  .asText()
                  .equals(Chart.RELEASE);
          boolean monitoring =
              peer.path("namespaceSelector")
                  .path("matchLabels")
                  .path("kubernetes.io/metadata.name")
                  .asText()
                  .equals("monitoring");
          assertThat(releasePod || monitoring).as(app + " admits " + peer).isTrue();
          assertThat(peer.has("ipBlock")).isFalse();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_monitoring_namespace_reaches_only_the_metrics_port(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    String monitoring =
        valuesOf(values).path("networkPolicy").path("monitoringNamespace").asText("");
    for (String app : Repo.APPS) {
      Container c = WorkloadPolicyTest.appContainer(objects, app);
      var metricsPort =
          c.getPorts().stream().filter(p -> "metrics".equals(p.getName())).findFirst();
      assertThat(metricsPort).as(app + ": a metrics port apart from the API's").isPresent();
      int metrics = metricsPort.get().getContainerPort();
      assertThat(metrics).as(app).isNotEqualTo(httpPort(objects));
      ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
      int monitoringRules = 0;
      for (JsonNode rule : policy.path("spec").path("ingress")) {
        boolean fromMonitoring = false;
        for (JsonNode peer : rule.path("from")) {
          String namespace =
              peer.path("namespaceSelector")
                  .path("matchLabels")
                  .path("kubernetes.io/metadata.name")
                  .asText();
          fromMonitoring |= !monitoring.isEmpty() && namespace.equals(monitoring);
        }
        if (fromMonitoring) {
          monitoringRules++;
          assertThat(ports(rule))
              .as(app + ": what monitoring may reach")
              .containsExactly(metrics + "/TCP");
        } else {
          assertThat(ports(rule))
              .as(app + ": the metrics port to anyone else")
              .doesNotContain(metrics + "/TCP");
        }
      }
      assertThat(monitoringRules)
          .as(app + ": Prometheus may scrape")
          .isEqualTo(monitoring.isEmpty() ? 0 : 1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_service_reaches_only_its_own_database(String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
      String own = Chart.component(app) + "-db";
      for (JsonNode rule : policy.path("spec").path("egress")) {
        if (!rule.path("ports").toString().contains("5432")) {
          continue;
        }
        assertThat(app).as("the gateway has no database").isNotEqualTo("gateway");
        assertThat(rule.path("to")).as(app).isNotEmpty();
        for (JsonNode peer : rule.path("to")) {
          JsonNode labels = peer.path("podSelector").path("matchLabels");
          String target =
              labels.has("cnpg.io/cluster")
                  ? labels.path("cnpg.io/cluster").asText()
                  : labels.path("cnpg.io/poolerName").asText().replaceFirst("-pooler-r[wo]$", "");
          assertThat(target).as(app + " reaches the database of").isEqualTo(own);
        }
      }
    }
  }

  private static final String DNS = "DNS";
  private static final String DATABASE = "its database";
  private static final String KAFKA = "Kafka";
  private static final String REDIS = "Redis";
  private static final String APPS_IT_CALLS = "the apps it calls";
  private static final String TRACES = "the trace collector";
  private static final String SMTP = "the SMTP relay";

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_app_may_send_only_to_what_its_configuration_uses(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      AppConfig config = AppConfig.of(app);
      List<String> expected = new ArrayList<>(List.of(DNS));
      if (config.has("quarkus.datasource")) {
        expected.add(DATABASE);
      }
      if (usesKafka(app)) {
        expected.add(KAFKA);
      }
      if (usesRedis(app)) {
        expected.add(REDIS);
      }
      if (!calls(app).isEmpty()) {
        expected.add(APPS_IT_CALLS);
      }
      if (config.has("quarkus.otel") && env(objects, app).containsKey(OTLP_ENDPOINT)) {
        expected.add(TRACES);
      }
      if (pom(app).contains("<artifactId>quarkus-mailer</artifactId>")) {
        expected.add(SMTP);
      }
      List<String> actual = new ArrayList<>();
      for (JsonNode rule : egress(objects, app)) {
        actual.add(purpose(objects, app, rule));
      }
      assertThat(actual)
          .as(app + ": what its egress rules are for, one rule each")
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void no_egress_rule_opens_every_port_or_every_destination(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    String smtpCidr = valuesOf(values).path("networkPolicy").path("egressCidr").asText("");
    for (String app : Repo.APPS) {
      for (JsonNode rule : egress(objects, app)) {
        String what = app + " egress " + rule;
        assertThat(rule.path("ports"))
            .as(what + ": without ports it opens every port")
            .isNotEmpty();
        for (JsonNode port : rule.path("ports")) {
          assertThat(port.path("port").isNumber())
              .as(what + ": a port entry without a number opens every port")
              .isTrue();
          assertThat(port.has("endPort")).as(what + ": a port range").isFalse();
        }
        String purpose = purpose(objects, app, rule);
        if (rule.path("to").isEmpty()) {
          // The one exception, documented at networkPolicy.egressCidr: an SMTP relay outside the
          // cluster has no pod labels, so with no CIDR given the mail port is open to any address.
          assertThat(purpose)
              .as(what + ": without 'to' it opens every destination")
              .isEqualTo(SMTP);
          assertThat(smtpCidr).as(what + ": networkPolicy.egressCidr is set but unused").isEmpty();
          continue;
        }
        for (JsonNode peer : rule.path("to")) {
          assertThat(peer.isEmpty()).as(what + ": an empty peer is every destination").isFalse();
          if (peer.has("ipBlock")) {
            assertThat(purpose).as(what + ": an address block").isEqualTo(SMTP);
            assertThat(peer.path("ipBlock").path("cidr").asText()).isEqualTo(smtpCidr);
            continue;
          }
          for (String selector : List.of("podSelector", "namespaceSelector")) {
            if (peer.has(selector)) {
              assertThat(
                      peer.path(selector).path("matchLabels").isEmpty()
                          && peer.path(selector).path("matchExpressions").isEmpty())
                  .as(what + ": an empty " + selector + " selects everything")
                  .isFalse();
            }
          }
          if (!peer.has("podSelector")) {
            String namespace =
                peer.path("namespaceSelector")
                    .path("matchLabels")
                    .path("kubernetes.io/metadata.name")
                    .asText();
            assertThat(purpose).as(what + ": a whole namespace").isIn(DNS, TRACES);
            assertThat(namespace)
                .as(what + ": the namespace of " + purpose)
                .isEqualTo(
                    purpose.equals(DNS)
                        ? "kube-system"
                        : namespaceOf(URI.create(env(objects, app).get(OTLP_ENDPOINT))));
          }
        }
      }
    }
  }

  /**
   * Asserts that the egress {@code rule} opens only {@code port} and only to pods of this
   * namespace; returns the labels each of its peers selects.
   */
  static List<Map<String, String>> podsOfThisNamespaceOnly(String app, JsonNode rule, int port) {
    assertThat(ports(rule)).as(app).containsExactly(port + "/TCP");
    assertThat(rule.path("to")).as(app).isNotEmpty();
    List<Map<String, String>> pods = new ArrayList<>();
    for (JsonNode peer : rule.path("to")) {
      assertThat(fields(peer)).as(app + ": pods of this namespace").containsExactly("podSelector");
      pods.add(matchLabels(peer.path("podSelector")));
    }
    return pods;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void only_the_kafka_clients_reach_kafka_and_only_its_brokers_listener(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    ObjectNode kafka = onlyOne(objects, "Kafka");
    int port = kafkaPort(objects);
    for (String app : Repo.APPS) {
      List<JsonNode> rules = rulesFor(objects, app, KAFKA);
      assertThat(rules).as(app + " uses Kafka: " + usesKafka(app)).hasSize(usesKafka(app) ? 1 : 0);
      for (JsonNode rule : rules) {
        for (Map<String, String> pods : podsOfThisNamespaceOnly(app, rule, port)) {
          assertThat(pods)
              .as(app + ": the pods of the Kafka cluster")
              .containsEntry("strimzi.io/cluster", Chart.name(kafka))
              .containsEntry("strimzi.io/kind", "Kafka");
        }
      }
    }
  }

  @Test
  void the_dlq_replay_job_reaches_dns_and_the_kafka_listener_and_nothing_else() throws Exception {
    Path values = Files.createTempFile("dlq-replay", ".yaml");
    Files.writeString(values, "dlqReplay:\n  enabled: true\n");
    List<ObjectNode> objects = Chart.objects(values);
    ObjectNode kafka = onlyOne(objects, "Kafka");
    int port = kafkaPort(objects);
    JsonNode policy =
        Chart.find(objects, "NetworkPolicy", Chart.component("dlq-replay"))
            .orElseThrow(() -> new AssertionError("no NetworkPolicy for the dlq-replay Job"))
            .path("spec");

    assertThat(matchLabels(policy.path("podSelector")))
        .containsEntry("app.kubernetes.io/component", "dlq-replay");
    assertThat(policy.path("policyTypes"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(policy.path("ingress")).as("nothing calls it").isEmpty();
    List<JsonNode> egress = new ArrayList<>();
    policy.path("egress").forEach(egress::add);
    assertThat(egress)
        .extracting(NetworkPolicyTest::ports)
        .containsExactlyInAnyOrder(Set.of("53/UDP", "53/TCP"), Set.of(port + "/TCP"));
    for (JsonNode rule : egress) {
      if (ports(rule).contains(port + "/TCP")) {
        for (Map<String, String> pods : podsOfThisNamespaceOnly("dlq-replay", rule, port)) {
          assertThat(pods)
              .containsEntry("strimzi.io/cluster", Chart.name(kafka))
              .containsEntry("strimzi.io/kind", "Kafka");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void only_the_apps_that_use_redis_reach_it_and_only_its_pods(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    ObjectNode redis =
        Chart.find(objects, "StatefulSet", Chart.component("redis"))
            .orElseThrow(() -> new AssertionError("no Redis StatefulSet in " + label));
    Map<String, String> redisPods = matchLabels(redis.path("spec").path("selector"));
    int port = redisPort(objects);
    Set<String> users = new TreeSet<>();
    for (String app : Repo.APPS) {
      List<JsonNode> rules = rulesFor(objects, app, REDIS);
      assertThat(rules).as(app + " uses Redis: " + usesRedis(app)).hasSize(usesRedis(app) ? 1 : 0);
      for (JsonNode rule : rules) {
        for (Map<String, String> pods : podsOfThisNamespaceOnly(app, rule, port)) {
          assertThat(pods).as(app + ": the Redis pods").containsAllEntriesOf(redisPods);
        }
      }
      if (usesRedis(app)) {
        users.add(app);
        URI hosts = URI.create(env(objects, app).get("QUARKUS_REDIS_HOSTS"));
        assertThat(hosts.getHost())
            .as(app + " dials the Redis Service")
            .isEqualTo(Chart.component("redis") + "." + Chart.NAMESPACE + ".svc");
        assertThat(hosts.getPort()).as(app + " dials the Redis port").isEqualTo(port);
      } else {
        assertThat(env(objects, app))
            .as(app + " is given no Redis")
            .doesNotContainKey("QUARKUS_REDIS_HOSTS");
      }
    }
    ObjectNode policy =
        Chart.find(objects, "NetworkPolicy", Chart.component("redis")).orElseThrow();
    Set<String> admitted = new TreeSet<>();
    for (JsonNode rule : policy.path("spec").path("ingress")) {
      assertThat(ports(rule)).containsExactly(port + "/TCP");
      for (JsonNode peer : rule.path("from")) {
        assertThat(fields(peer)).containsExactly("podSelector");
        admitted.add(appOf(peer));
      }
    }
    assertThat(admitted).as("Redis admits the apps that use it").isEqualTo(users);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_app_reaches_over_http_exactly_the_apps_it_calls(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      Set<String> reached = new TreeSet<>();
      for (JsonNode rule : rulesFor(objects, app, APPS_IT_CALLS)) {
        assertThat(rule.path("to")).as(app).isNotEmpty();
        for (JsonNode peer : rule.path("to")) {
          assertThat(fields(peer))
              .as(app + ": pods of this namespace")
              .containsExactly("podSelector");
          reached.add(appOf(peer));
        }
      }
      assertThat(reached).as(app + " calls").isEqualTo(calls(app));
    }
  }

  /** Whether an app talks to Kafka: it consumes, or it is given a bootstrap address. */
  private static boolean usesKafka(String app) {
    AppConfig config = AppConfig.of(app);
    return config.consumes() || config.has("kafka.bootstrap.servers");
  }

  /** Whether an app talks to Redis: it has the client, or configures it. */
  private static boolean usesRedis(String app) {
    return pom(app).contains("<artifactId>quarkus-redis-client</artifactId>")
        || AppConfig.of(app).has("quarkus.redis");
  }

  /**
   * The apps one app calls over HTTP: the gateway's upstreams (every domain service), and identity
   * for its JWKS.
   */
  private static Set<String> calls(String app) {
    AppConfig config = AppConfig.of(app);
    Set<String> calls = new TreeSet<>();
    assertThat(config.has("tessera.gateway.upstreams") || config.has("tessera.gateway.routes"))
        .as(app + ": upstreams and routes come from the services' descriptors, not its properties")
        .isFalse();
    if (app.equals("gateway")) {
      // Its upstreams: one per service descriptor, as ./tessera up and the chart configure it.
      calls.addAll(Repo.SERVICES);
    }
    if (config.has("mp.jwt.verify.publickey.location") || config.has("tessera.gateway.jwks-url")) {
      calls.add("identity");
    }
    assertThat(Repo.APPS).as(app + " calls apps the chart deploys").containsAll(calls);
    return calls;
  }

  private static final String OTLP_ENDPOINT = "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT";

  /**
   * What one egress rule of an app is for, told by its ports: each thing an app may reach listens
   * on its own port here. A rule that fits nothing is named as unexplained.
   */
  private static String purpose(List<ObjectNode> objects, String app, JsonNode rule)
      throws Exception {
    Set<String> ports = ports(rule);
    Map<String, String> env = env(objects, app);
    Map<String, Set<String>> known = new LinkedHashMap<>();
    known.put(DNS, Set.of("53/UDP", "53/TCP"));
    known.put(DATABASE, Set.of("5432/TCP"));
    known.put(KAFKA, Set.of(kafkaPort(objects) + "/TCP"));
    if (Chart.find(objects, "StatefulSet", Chart.component("redis")).isPresent()) {
      known.put(REDIS, Set.of(redisPort(objects) + "/TCP"));
    }
    known.put(APPS_IT_CALLS, Set.of(httpPort(objects) + "/TCP"));
    if (env.containsKey(OTLP_ENDPOINT)) {
      known.put(TRACES, Set.of(URI.create(env.get(OTLP_ENDPOINT)).getPort() + "/TCP"));
    }
    if (env.containsKey("QUARKUS_MAILER_PORT")) {
      known.put(SMTP, Set.of(env.get("QUARKUS_MAILER_PORT") + "/TCP"));
    }
    for (Map.Entry<String, Set<String>> purpose : known.entrySet()) {
      if (purpose.getValue().equals(ports)) {
        return purpose.getKey();
      }
    }
    return "unexplained " + rule;
  }

  private static List<JsonNode> rulesFor(List<ObjectNode> objects, String app, String purpose)
      throws Exception {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode rule : egress(objects, app)) {
      if (purpose(objects, app, rule).equals(purpose)) {
        rules.add(rule);
      }
    }
    return rules;
  }

  private static List<JsonNode> egress(List<ObjectNode> objects, String app) {
    ObjectNode policy = Chart.find(objects, "NetworkPolicy", Chart.component(app)).orElseThrow();
    List<JsonNode> rules = new ArrayList<>();
    policy.path("spec").path("egress").forEach(rules::add);
    return rules;
  }

  /** A rule's ports as "port/protocol" (TCP when the protocol is left out, as Kubernetes does). */
  static Set<String> ports(JsonNode rule) {
    Set<String> ports = new TreeSet<>();
    for (JsonNode port : rule.path("ports")) {
      ports.add(port.path("port").asText("*") + "/" + port.path("protocol").asText("TCP"));
    }
    return ports;
  }

  /** The port the Kafka clients dial (their bootstrap address), which must be a broker listener. */
  private static int kafkaPort(List<ObjectNode> objects) throws Exception {
    ObjectNode kafka = onlyOne(objects, "Kafka");
    String app = Repo.APPS.stream().filter(NetworkPolicyTest::usesKafka).findFirst().orElseThrow();
    String bootstrap = env(objects, app).get("KAFKA_BOOTSTRAP_SERVERS").split(",")[0];
    String host = bootstrap.substring(0, bootstrap.lastIndexOf(':'));
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    assertThat(host)
        .as("the clients dial the release's Kafka cluster")
        .isEqualTo(Chart.name(kafka) + "-kafka-bootstrap." + Chart.NAMESPACE + ".svc");
    List<Integer> listeners = new ArrayList<>();
    kafka
        .path("spec")
        .path("kafka")
        .path("listeners")
        .forEach(l -> listeners.add(l.path("port").asInt()));
    assertThat(listeners).as("a listener on the port the clients dial").contains(port);
    return port;
  }

  /** The port of the Redis Service, which is the Redis container's port. */
  private static int redisPort(List<ObjectNode> objects) {
    ObjectNode service = Chart.find(objects, "Service", Chart.component("redis")).orElseThrow();
    JsonNode port = service.path("spec").path("ports").get(0);
    ObjectNode redis = Chart.find(objects, "StatefulSet", Chart.component("redis")).orElseThrow();
    JsonNode container = redis.path("spec").path("template").path("spec").path("containers").get(0);
    JsonNode containerPort = container.path("ports").get(0);
    assertThat(port.path("targetPort").asText())
        .isIn(containerPort.path("name").asText(), containerPort.path("containerPort").asText());
    assertThat(port.path("port").asInt()).isEqualTo(containerPort.path("containerPort").asInt());
    return port.path("port").asInt();
  }

  /** The container port every app listens on (a consistency test checks they are one). */
  private static int httpPort(List<ObjectNode> objects) throws Exception {
    Set<Integer> ports = new TreeSet<>();
    for (String app : Repo.APPS) {
      ports.add(WorkloadPolicyTest.appContainer(objects, app).getPorts().get(0).getContainerPort());
    }
    assertThat(ports).hasSize(1);
    return ports.iterator().next();
  }

  /** The app a peer selects: pods of this release with one app's component label, nothing wider. */
  private static String appOf(JsonNode peer) {
    Map<String, String> labels = matchLabels(peer.path("podSelector"));
    assertThat(labels)
        .as("pods of this release: " + peer)
        .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
        .containsKey("app.kubernetes.io/component");
    String app = labels.get("app.kubernetes.io/component");
    assertThat(Repo.APPS).as("an app of the chart: " + peer).contains(app);
    return app;
  }

  static Map<String, String> matchLabels(JsonNode selector) {
    Map<String, String> labels = new LinkedHashMap<>();
    selector
        .path("matchLabels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ObjectNode onlyOne(List<ObjectNode> objects, String kind) {
    List<ObjectNode> all = Chart.ofKind(objects, kind);
    assertThat(all).as("one " + kind).hasSize(1);
    return all.get(0);
  }

  /** The namespace of an in-cluster address "service.namespace.svc[...]". */
  private static String namespaceOf(URI endpoint) {
    String[] labels = endpoint.getHost().split("\\.");
    assertThat(labels.length).as("an in-cluster Service address: " + endpoint).isGreaterThan(2);
    assertThat(labels[2]).as(endpoint.toString()).isEqualTo("svc");
    return labels[1];
  }

  private static Map<String, String> env(List<ObjectNode> objects, String app) throws Exception {
    Container container = WorkloadPolicyTest.appContainer(objects, app);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      env.put(e.getName(), e.getValue());
    }
    return env;
  }

  private static String pom(String app) {
    return Repo.read(Repo.appDir(app).resolve("pom.xml"));
  }

  /** The chart's values with one values file merged over them, as Helm sees them. */
  private static JsonNode valuesOf(Path valuesFile) throws Exception {
    JsonNode defaults = Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
    return valuesFile == null
        ? defaults
        : Chart.merge(defaults, Chart.YAML.readTree(valuesFile.toFile()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void the_gateway_admits_each_public_entry_the_values_turn_on(String label, Path values)
      throws Exception {
    JsonNode merged =
        Chart.merge(
            Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile()),
            values == null ? null : Chart.YAML.readTree(values.toFile()));
    ObjectNode policy =
        Chart.find(Chart.objects(values), "NetworkPolicy", Chart.component("gateway"))
            .orElseThrow();
    JsonNode entry = policy.path("spec").path("ingress").get(0);
    List<String> admitted = new ArrayList<>();
    entry
        .path("from")
        .forEach(
            peer ->
                admitted.add(
                    peer.path("namespaceSelector")
                        .path("matchLabels")
                        .path("kubernetes.io/metadata.name")
                        .asText()));
    boolean open = !entry.has("from");
    String ingressNamespace = merged.path("networkPolicy").path("ingressNamespace").asText();
    if (merged.path("ingress").path("enabled").asBoolean() && !ingressNamespace.isEmpty()) {
      assertThat(admitted).as("the ingress controller").contains(ingressNamespace);
    }
    if (merged.path("httpRoute").path("enabled").asBoolean()) {
      String proxies = merged.path("httpRoute").path("proxyNamespace").asText();
      if (proxies.isEmpty()) {
        proxies = merged.path("httpRoute").path("parentRef").path("namespace").asText();
      }
      assertThat(open || admitted.contains(proxies))
          .as("the Gateway's proxies in " + proxies + " reach the gateway: " + entry)
          .isTrue();
    }
  }
}
