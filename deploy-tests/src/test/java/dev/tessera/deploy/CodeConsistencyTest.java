package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.deadletters.DeadLetterQueues;
import dev.tessera.deadletters.DeadLetterTool;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart and the code agree: topics (contracts), consumer groups and dead-letter topics
 * (application.properties), the Debezium connector configuration (platform/cdc), ports, health and
 * metrics paths, and the environment variables each app reads. Everything on the code side is read
 * when the test runs.
 */
class CodeConsistencyTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PRODUCER_LOGIN = "producer.override.sasl.jaas.config";

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  private static Map<String, String> kafkaTopics(List<ObjectNode> objects, boolean deadLetter) {
    Map<String, String> topics = new LinkedHashMap<>();
    for (ObjectNode t : Chart.ofKind(objects, "KafkaTopic")) {
      boolean dlq =
          t.path("metadata").path("labels").path("tessera.dev/dead-letter").asText().equals("true");
      if (dlq == deadLetter) {
        topics.put(
            t.path("spec").path("topicName").asText(), t.path("spec").path("partitions").asText());
      }
    }
    return topics;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_event_topic_of_the_contracts_is_a_kafka_topic_and_no_other(String label, Path values) {
    assertThat(kafkaTopics(Chart.objects(values), false).keySet())
        .filteredOn(topic -> !topic.startsWith("__debezium-heartbeat."))
        .containsExactlyInAnyOrderElementsOf(EventTypes.topics());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_connector_has_its_heartbeat_topic(String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    // Strimzi's Kafka does not create topics on first use: a missing one would fail the task.
    assertThat(
            kafkaTopics(objects, false).keySet().stream()
                .filter(topic -> topic.startsWith("__debezium-heartbeat.")))
        .containsExactlyInAnyOrderElementsOf(
            Chart.ofKind(objects, "KafkaConnector").stream()
                .map(n -> Chart.name(n).replaceFirst("^tessera-", "").replaceFirst("-outbox$", ""))
                .map(service -> new OutboxConnector(service).heartbeatTopic())
                .toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_dead_letter_topic_the_services_write_to_is_a_kafka_topic_and_no_other(
      String label, Path values) {
    Set<String> expected = new TreeSet<>();
    for (String app : Repo.APPS) {
      for (AppConfig.Channel ch : AppConfig.of(app).channels().values()) {
        assertThat(ch.deadLetterTopic())
            .as("%s/%s: dead-letter topic <topic>.<group>.dlq", app, ch.name())
            .isEqualTo(ch.topic() + "." + ch.group() + ".dlq");
        expected.add(ch.deadLetterTopic());
      }
    }

    assertThat(kafkaTopics(Chart.objects(values), true).keySet())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void the_dlq_replay_job_runs_the_replay_tool_on_every_dead_letter_topic_the_services_write_to()
      throws IOException {
    Path values = Files.createTempFile("dlq-replay", ".yaml");
    Files.writeString(values, "dlqReplay:\n  enabled: true\n");
    ObjectNode job =
        Chart.hooks(values, Map.of()).stream()
            .filter(o -> o.path("kind").asText().equals("Job"))
            .filter(o -> Chart.name(o).equals(Chart.component("dlq-replay")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no dlq-replay Job"));
    Container container =
        MAPPER.convertValue(
            job.path("spec").path("template").path("spec").path("containers").get(0),
            Container.class);
    Set<String> expected = new TreeSet<>();
    for (String app : Repo.APPS) {
      AppConfig.of(app).channels().values().forEach(ch -> expected.add(ch.deadLetterTopic()));
    }

    assertThat(container.getCommand())
        .startsWith("java")
        .containsSequence("-cp", "/deployments/lib/main/*", DeadLetterTool.class.getName())
        .endsWith("replay");
    assertThat(container.getArgs()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(container.getImage()).contains("/tessera-notifications:");
    assertThat(container.getEnv()).extracting(EnvVar::getName).contains("KAFKA_BOOTSTRAP_SERVERS");
    // The image runs it from its dependency jars: eventing, in every service, brings it along.
    assertThat(Repo.read(Repo.root().resolve("platform/eventing/pom.xml")))
        .contains("<artifactId>tessera-dead-letters</artifactId>");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_topic_a_service_consumes_is_one_the_contracts_define(String label, Path values) {
    for (String app : Repo.APPS) {
      for (AppConfig.Channel ch : AppConfig.of(app).channels().values()) {
        assertThat(EventTypes.topics()).as(app + "/" + ch.name()).contains(ch.topic());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_consumer_scales_on_lag_of_its_real_group_and_topics_and_no_further_than_partitions(
      String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    Map<String, String> partitions = kafkaTopics(objects, false);
    for (String app : Repo.APPS) {
      AppConfig config = AppConfig.of(app);
      var scaled = Chart.find(objects, "ScaledObject", Chart.component(app));
      if (!config.consumes()) {
        assertThat(scaled).as(app + " consumes nothing: no lag scaling").isEmpty();
        continue;
      }
      assertThat(scaled).as(app + " consumes: a ScaledObject").isPresent();
      assertThat(Chart.find(objects, "HorizontalPodAutoscaler", Chart.component(app)))
          .as(app + ": KEDA owns its HPA")
          .isEmpty();
      JsonNode spec = scaled.get().path("spec");
      Set<String> expected = new TreeSet<>();
      config.channels().values().forEach(ch -> expected.add(ch.group() + " ← " + ch.topic()));
      Set<String> actual = new TreeSet<>();
      String bootstrap =
          env(WorkloadPolicyTest.appContainer(objects, app)).get("KAFKA_BOOTSTRAP_SERVERS");
      int fewestPartitions = Integer.MAX_VALUE;
      for (JsonNode trigger : spec.path("triggers")) {
        if (!trigger.path("type").asText().equals("kafka")) {
          continue;
        }
        JsonNode m = trigger.path("metadata");
        actual.add(m.path("consumerGroup").asText() + " ← " + m.path("topic").asText());
        assertThat(m.path("bootstrapServers").asText()).as(app).isEqualTo(bootstrap);
        assertThat(partitions).as(app).containsKey(m.path("topic").asText());
        fewestPartitions =
            Math.min(fewestPartitions, Integer.parseInt(partitions.get(m.path("topic").asText())));
      }
      assertThat(actual).as(app + " (group ← topic)").isEqualTo(expected);
      assertThat(spec.path("maxReplicaCount").asInt())
          .as(app + ": a replica beyond the partition count would sit idle")
          .isLessThanOrEqualTo(fewestPartitions);
      assertThat(spec.path("minReplicaCount").asInt())
          .as(app + " also serves HTTP: it never scales to zero")
          .isPositive();
      assertThat(spec.has("fallback")).as(app + " fallback").isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_kafka_connector_is_the_outbox_connector_configuration_of_the_code(
      String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    Set<String> producers = EventTypes.publishers();
    Set<String> connected = new TreeSet<>();
    for (ObjectNode node : Chart.ofKind(objects, "KafkaConnector")) {
      KafkaConnector connector = MAPPER.treeToValue(node, KafkaConnector.class);
      String service = Chart.name(node).replaceFirst("^tessera-", "").replaceFirst("-outbox$", "");
      connected.add(service);
      String cluster = Chart.component(service) + "-db";
      String secret = cluster + "-app";
      assertThat(Chart.find(objects, "Cluster", cluster)).as(service + " database").isPresent();
      OutboxConnector code = new OutboxConnector(service);
      Map<String, String> expected =
          code.config(
              new OutboxConnector.Database(
                  cluster + "-rw." + Chart.NAMESPACE + ".svc",
                  5432,
                  service,
                  "${secrets:" + Chart.NAMESPACE + "/" + secret + ":username}",
                  "${secrets:" + Chart.NAMESPACE + "/" + secret + ":password}"));

      Map<String, String> rendered = new HashMap<>();
      connector.getSpec().getConfig().forEach((k, v) -> rendered.put(k, String.valueOf(v)));
      // The one deployment-only key: the connector's producer logs in as its own KafkaUser.
      String login = rendered.remove(PRODUCER_LOGIN);
      if (!Chart.ofKind(objects, "Kafka").isEmpty()) {
        assertThat(login)
            .as(service + " connector's Kafka login")
            .isEqualTo(
                "${secrets:"
                    + Chart.NAMESPACE
                    + "/"
                    + Chart.component(service + "-outbox")
                    + ":sasl.jaas.config}");
      }
      rendered.put("name", connector.getMetadata().getName());
      rendered.put("connector.class", connector.getSpec().getClassName());
      rendered.put("tasks.max", String.valueOf(connector.getSpec().getTasksMax()));

      assertThat(rendered)
          .as(service + " connector, key by key")
          .containsExactlyInAnyOrderEntriesOf(expected);
      assertThat(node.path("metadata").path("labels").path("strimzi.io/cluster").asText())
          .isEqualTo(
              Chart.ofKind(objects, "KafkaConnect").get(0).path("metadata").path("name").asText());
      for (EventType<?> type : EventTypes.all()) {
        if (type.service().equals(service)) {
          assertThat(code.topicFor(type.aggregate())).isEqualTo(type.topic());
        }
      }
    }
    assertThat(connected)
        .as("one connector per service that publishes events")
        .isEqualTo(producers);
  }

  /** What a KafkaUser may do, one "Operation resource-type:name" per grant (all literal, allow). */
  private static Set<String> grants(JsonNode user) {
    Set<String> grants = new TreeSet<>();
    for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
      JsonNode resource = acl.path("resource");
      assertThat(resource.path("patternType").asText("literal"))
          .as(Chart.id(user) + ": no prefix or wildcard grant")
          .isEqualTo("literal");
      assertThat(acl.path("type").asText("allow")).isEqualTo("allow");
      for (JsonNode operation : acl.path("operations")) {
        grants.add(
            operation.asText()
                + " "
                + resource.path("type").asText()
                + ":"
                + resource.path("name").asText());
      }
    }
    return grants;
  }

  private static void grant(Map<String, Set<String>> grants, String user, String... what) {
    grants.computeIfAbsent(user, u -> new TreeSet<>()).addAll(List.of(what));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void each_kafka_user_may_do_exactly_what_its_code_does(String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    Map<String, Set<String>> expected = new TreeMap<>();
    for (String app : Repo.APPS) {
      for (AppConfig.Channel ch : AppConfig.of(app).channels().values()) {
        grant(
            expected,
            Chart.component(app),
            "Read group:" + ch.group(),
            "Read topic:" + ch.topic(),
            "Describe topic:" + ch.topic(),
            "Write topic:" + ch.deadLetterTopic(),
            "Describe topic:" + ch.deadLetterTopic());
      }
      if (Chart.find(objects, "ScaledObject", Chart.component(app)).isPresent()) {
        for (AppConfig.Channel ch : AppConfig.of(app).channels().values()) {
          grant(
              expected,
              Chart.component("keda"),
              "Describe group:" + ch.group(),
              "Describe topic:" + ch.topic());
        }
      }
    }
    for (EventType<?> type : EventTypes.all()) {
      String heartbeat = new OutboxConnector(type.service()).heartbeatTopic();
      grant(
          expected,
          Chart.component(type.service() + "-outbox"),
          "Write topic:" + type.topic(),
          "Describe topic:" + type.topic(),
          "Write topic:" + heartbeat,
          "Describe topic:" + heartbeat);
    }
    JsonNode connect = Chart.ofKind(objects, "KafkaConnect").get(0).path("spec");
    grant(expected, Chart.component("connect"), "Read group:" + connect.path("groupId").asText());
    for (String internal :
        List.of("configStorageTopic", "offsetStorageTopic", "statusStorageTopic")) {
      for (String operation : List.of("Create", "Describe", "DescribeConfigs", "Read", "Write")) {
        grant(
            expected,
            Chart.component("connect"),
            operation + " topic:" + connect.path(internal).asText());
      }
    }

    Map<String, Set<String>> actual = new TreeMap<>();
    for (ObjectNode user : Chart.ofKind(objects, "KafkaUser")) {
      actual.put(Chart.name(user), grants(user));
    }
    assertThat(actual).as("KafkaUser → grants").isEqualTo(expected);
    for (EventType<?> type : EventTypes.all()) {
      assertThat(actual.entrySet())
          .filteredOn(e -> e.getValue().contains("Write topic:" + type.topic()))
          .extracting(Map.Entry::getKey)
          .as("who may write " + type.topic())
          .containsExactly(Chart.component(type.service() + "-outbox"));
    }
  }

  @Test
  void the_dlq_replay_user_may_read_the_dead_letters_and_write_back_only_their_original_topics()
      throws IOException {
    Path values = Files.createTempFile("dlq-replay", ".yaml");
    Files.writeString(values, "dlqReplay:\n  enabled: true\n");
    Set<String> expected = new TreeSet<>();
    expected.add("Read group:" + DeadLetterQueues.REPLAY_GROUP);
    for (String app : Repo.APPS) {
      for (AppConfig.Channel ch : AppConfig.of(app).channels().values()) {
        expected.addAll(
            List.of(
                "Read topic:" + ch.deadLetterTopic(),
                "Describe topic:" + ch.deadLetterTopic(),
                "Write topic:" + ch.topic(),
                "Describe topic:" + ch.topic()));
      }
    }

    ObjectNode user =
        Chart.find(Chart.objects(values), "KafkaUser", Chart.component("dlq-replay"))
            .orElseThrow(() -> new AssertionError("no KafkaUser for the dlq-replay Job"));
    assertThat(grants(user)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_service_whose_readiness_waits_for_outbox_capture_gets_a_connector(
      String label, Path values) {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      String pom = Repo.read(Repo.appDir(app).resolve("pom.xml"));
      boolean waits =
          pom.contains("<artifactId>tessera-eventing</artifactId>")
              && !AppConfig.of(app)
                  .get("quarkus.arc.exclude-types")
                  .orElse("")
                  .contains("OutboxCaptureCheck");
      assertThat(Chart.find(objects, "KafkaConnector", "tessera-" + app + "-outbox").isPresent())
          .as("%s: its readiness (OutboxCaptureCheck) waits for the Debezium slot", app)
          .isEqualTo(waits);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void connect_runs_the_debezium_version_the_code_is_tested_with(String label, Path values) {
    String pom = Repo.read(Repo.root().resolve("pom.xml"));
    var m =
        java.util.regex.Pattern.compile("<debezium.version>([^<]+)</debezium.version>")
            .matcher(pom);
    assertThat(m.find()).isTrue();
    String tested = m.group(1);
    ObjectNode connect = Chart.ofKind(Chart.objects(values), "KafkaConnect").get(0);
    JsonNode build = connect.path("spec").path("build");
    if (build.isMissingNode()) {
      assertThat(connect.path("spec").path("image").asText()).as("a prebuilt image").isNotEmpty();
      return;
    }
    assertThat(build.path("plugins").get(0).path("artifacts").get(0).path("url").asText())
        .contains("/debezium-connector-postgres/" + tested + "/");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void connect_can_resolve_the_secret_placeholders_of_the_connectors(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    ObjectNode node = Chart.ofKind(objects, "KafkaConnect").get(0);
    KafkaConnect connect = MAPPER.treeToValue(node, KafkaConnect.class);
    Map<String, Object> config = connect.getSpec().getConfig();
    assertThat(config).containsEntry("config.providers", "secrets");
    assertThat(config)
        .containsEntry(
            "config.providers.secrets.class", "io.strimzi.kafka.KubernetesSecretConfigProvider");
    assertThat(
            node.path("metadata")
                .path("annotations")
                .path("strimzi.io/use-connector-resources")
                .asText())
        .isEqualTo("true");
    JsonNode role = Chart.ofKind(objects, "Role").get(0);
    JsonNode binding = Chart.ofKind(objects, "RoleBinding").get(0);
    assertThat(binding.path("subjects").get(0).path("name").asText())
        .as("Strimzi's service account of the Connect pods")
        .isEqualTo(Chart.name(node) + "-connect");
    Set<String> readable = new TreeSet<>();
    role.path("rules").get(0).path("resourceNames").forEach(n -> readable.add(n.asText()));
    for (ObjectNode connector : Chart.ofKind(objects, "KafkaConnector")) {
      for (String key : List.of("database.user", PRODUCER_LOGIN)) {
        JsonNode placeholder = connector.path("spec").path("config").path(key);
        if (placeholder.isMissingNode()) {
          continue;
        }
        String secretName =
            placeholder.asText().replaceAll("^\\$\\{secrets:[^/]+/([^:]+):.*$", "$1");
        assertThat(readable).as(Chart.id(connector) + " " + key).contains(secretName);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_app_listens_on_the_port_its_service_probes_and_monitor_use(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      Container c = WorkloadPolicyTest.appContainer(objects, app);
      int port = c.getPorts().get(0).getContainerPort();
      assertThat(c.getPorts().get(0).getName()).isEqualTo("http");
      assertThat(port).isEqualTo(8080);
      assertThat(env(c)).as(app).containsEntry("QUARKUS_HTTP_PORT", String.valueOf(port));
      ObjectNode service = Chart.find(objects, "Service", Chart.component(app)).orElseThrow();
      assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText())
          .isEqualTo("http");
      AppConfig config = AppConfig.of(app);
      assertThat(config.get("quarkus.management.enabled"))
          .as(app + ": /q/metrics on the management interface, apart from the API")
          .contains("true");
      assertThat(config.get("quarkus.smallrye-health.management.enabled"))
          .as(app + ": health stays on the http port the probes use")
          .contains("false");
      var metricsPort =
          c.getPorts().stream().filter(p -> p.getName().equals("metrics")).findFirst();
      assertThat(metricsPort).as(app + " metrics port").isPresent();
      assertThat(metricsPort.get().getContainerPort()).isNotEqualTo(port);
      assertThat(env(c))
          .as(app)
          .containsEntry(
              "QUARKUS_MANAGEMENT_PORT", String.valueOf(metricsPort.get().getContainerPort()));
      JsonNode servicePorts = service.path("spec").path("ports");
      assertThat(servicePorts.toString()).contains("\"targetPort\":\"metrics\"");
      var monitor = Chart.find(objects, "ServiceMonitor", Chart.component(app));
      if (monitor.isPresent()) {
        JsonNode endpoint = monitor.get().path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo("metrics");
        assertThat(endpoint.path("path").asText())
            .as(app)
            .isEqualTo(AppConfig.of(app).metricsPath());
        assertThat(Repo.read(Repo.appDir(app).resolve("pom.xml")))
            .as(app + " serves Prometheus metrics")
            .contains("quarkus-micrometer-registry-prometheus");
      }
      assertThat(config.has("quarkus.http.root-path")).as(app + " moves its paths").isFalse();
      assertThat(config.has("quarkus.http.non-application-root-path")).as(app).isFalse();
      assertThat(config.has("quarkus.smallrye-health.root-path")).as(app).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_environment_variable_the_chart_sets_is_one_the_app_reads(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      AppConfig config = AppConfig.of(app);
      String pom = Repo.read(Repo.appDir(app).resolve("pom.xml"));
      Set<String> reads = config.environmentVariables();
      for (String name : env(WorkloadPolicyTest.appContainer(objects, app)).keySet()) {
        boolean read =
            reads.contains(name)
                // Read by Quarkus itself or by an extension the app has:
                || name.equals("QUARKUS_HTTP_PORT")
                || (name.equals("QUARKUS_MANAGEMENT_PORT")
                    && config.get("quarkus.management.enabled").orElse("").equals("true"))
                || name.equals("JAVA_OPTS_APPEND") // the Quarkus image's run-java script
                // One key of the gateway's upstream map per service (GatewayConfig.upstreams()):
                // SmallRye Config maps TESSERA_GATEWAY_UPSTREAMS_<SERVICE> to its key <service>.
                || (app.equals("gateway") && upstreamOfAService(name))
                || (name.startsWith("QUARKUS_DATASOURCE_") && config.has("quarkus.datasource"))
                || (name.startsWith("QUARKUS_REDIS_") && pom.contains("quarkus-redis-client"))
                || (name.startsWith("QUARKUS_MAILER_") && pom.contains("quarkus-mailer"))
                || (name.startsWith("QUARKUS_OTEL_") && config.has("quarkus.otel"))
                || (name.startsWith("MP_JWT_") && pom.contains("quarkus-smallrye-jwt"))
                // SmallRye Kafka maps KAFKA_X_Y to the kafka.x.y client setting of every channel:
                || (name.startsWith("KAFKA_") && config.consumes());
        assertThat(read).as("%s reads %s", app, name).isTrue();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_app_gets_the_connections_it_needs_in_the_cluster(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      AppConfig config = AppConfig.of(app);
      String pom = Repo.read(Repo.appDir(app).resolve("pom.xml"));
      Map<String, String> env = env(WorkloadPolicyTest.appContainer(objects, app));
      Set<String> names = env.keySet();

      config
          .localDefaults()
          .forEach(
              (key, overrides) -> {
                if (key.startsWith("quarkus.otel.")) {
                  overrides.add("QUARKUS_OTEL_SDK_DISABLED"); // no exporter, no endpoint used
                }
                assertThat(names)
                    .as(
                        "%s: %s points at localhost; the cluster must set one of %s",
                        app, key, overrides)
                    .containsAnyElementsOf(overrides);
              });
      if (config.has("quarkus.datasource")) {
        assertThat(names)
            .as(app + " database")
            .contains(
                "QUARKUS_DATASOURCE_REACTIVE_URL",
                "QUARKUS_DATASOURCE_JDBC_URL",
                "QUARKUS_DATASOURCE_USERNAME",
                "QUARKUS_DATASOURCE_PASSWORD");
      }
      if (config.consumes() || config.has("kafka.bootstrap.servers")) {
        assertThat(names).as(app + " Kafka").contains("KAFKA_BOOTSTRAP_SERVERS");
      }
      if (pom.contains("quarkus-redis-client")) {
        assertThat(names).as(app + " Redis").contains("QUARKUS_REDIS_HOSTS");
      }
      if (pom.contains("quarkus-mailer")) {
        assertThat(names).as(app + " SMTP").contains("QUARKUS_MAILER_HOST", "QUARKUS_MAILER_PORT");
      }
      if (config.has("mp.jwt.verify.publickey.location")) {
        assertThat(names).as(app + " JWKS").contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
      }
      for (String value : env.values()) {
        // Every JWKS URL an app is given (the gateway's public routes name the path, not a URL).
        if (value != null && value.startsWith("http") && value.contains("/.well-known/jwks.json")) {
          assertThat(value)
              .as(app + ": the JWKS is identity's")
              .isEqualTo(
                  "http://"
                      + Chart.component("identity")
                      + "."
                      + Chart.NAMESPACE
                      + ".svc/api/identity/.well-known/jwks.json");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_in_cluster_address_an_app_is_given_names_a_rendered_service(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    Set<String> services = new TreeSet<>();
    Chart.ofKind(objects, "Service").forEach(s -> services.add(Chart.name(s)));
    for (ObjectNode kafka : Chart.ofKind(objects, "Kafka")) {
      services.add(Chart.name(kafka) + "-kafka-bootstrap"); // Strimzi's bootstrap Service
    }
    for (ObjectNode cluster : Chart.ofKind(objects, "Cluster")) {
      services.add(Chart.name(cluster) + "-rw"); // CloudNativePG's primary Service
    }
    for (ObjectNode pooler : Chart.ofKind(objects, "Pooler")) {
      services.add(Chart.name(pooler)); // the Pooler's Service has its name
    }
    var host = java.util.regex.Pattern.compile("([a-z0-9-]+)\\." + Chart.NAMESPACE + "\\.svc");
    for (String app : Repo.APPS) {
      Container c = WorkloadPolicyTest.appContainer(objects, app);
      for (EnvVar e : c.getEnv()) {
        if (e.getValue() == null) {
          continue;
        }
        var m = host.matcher(e.getValue());
        while (m.find()) {
          assertThat(services).as("%s %s=%s", app, e.getName(), e.getValue()).contains(m.group(1));
        }
      }
      if (app.equals("gateway")) {
        // identity's pods one by one, through its headless Service (RollingUpgradeChartTest).
        String identity = env(c).get("TESSERA_GATEWAY_UPSTREAMS_IDENTITY");
        assertThat(identity)
            .startsWith(
                "http://" + Chart.component("identity") + "-pods." + Chart.NAMESPACE + ".svc:");
      }
    }
    assertThat(
            Repo.read(
                Repo.appDir("identity")
                    .resolve("src/main/java/dev/tessera/identity/api/JwksResource.java")))
        .as("identity serves the JWKS path the chart hands out")
        .contains("/api/identity/.well-known/jwks.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void database_credentials_come_from_the_secret_cloudnative_pg_generates(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      Container c = WorkloadPolicyTest.appContainer(objects, app);
      for (EnvVar e : c.getEnv()) {
        if (e.getName().equals("QUARKUS_DATASOURCE_USERNAME")
            || e.getName().equals("QUARKUS_DATASOURCE_PASSWORD")) {
          assertThat(e.getValue()).as(app).isNull();
          assertThat(e.getValueFrom().getSecretKeyRef().getName())
              .isEqualTo(Chart.component(app) + "-db-app");
        }
        if (e.getName().equals("TESSERA_IDENTITY_SIGNING_KEY")) {
          assertThat(e.getValueFrom().getSecretKeyRef())
              .as("signing key from a Secret")
              .isNotNull();
        }
      }
    }
  }

  private static boolean upstreamOfAService(String variable) {
    String prefix = "TESSERA_GATEWAY_UPSTREAMS_";
    return variable.startsWith(prefix)
        && Repo.SERVICES.contains(variable.substring(prefix.length()).toLowerCase(Locale.ROOT));
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }
}
