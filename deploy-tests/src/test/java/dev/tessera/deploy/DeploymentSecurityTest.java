package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reaching a data store's port is not enough to use it: Redis asks every client for a password from
 * a Secret, and Kafka authenticates every client (SCRAM) and applies its ACLs. What each Kafka user
 * may do is checked against the code in {@link CodeConsistencyTest}.
 */
class DeploymentSecurityTest {

  static Stream<Arguments> valueSets() {
    return Chart.valueSets().stream().map(p -> Arguments.of(Chart.label(p), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void redis_refuses_clients_without_the_password_from_its_secret(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    Container redis = redisContainer(objects);
    assertThat(secretOf(redis, "REDIS_PASSWORD")).as("Redis's password from a Secret").isPresent();
    SecretKeySelector password = secretOf(redis, "REDIS_PASSWORD").get();
    assertThat(redis.getCommand())
        .as("valkey-server --requirepass, expanded by Kubernetes from the Secret")
        .containsSubsequence("--requirepass", "$(REDIS_PASSWORD)");
    assertThat(secretOf(redis, "REDISCLI_AUTH"))
        .as("the readiness probe's valkey-cli authenticates")
        .contains(password);
    for (String app : List.of("gateway", "identity")) {
      Container c = WorkloadPolicyTest.appContainer(objects, app);
      assertThat(secretOf(c, "QUARKUS_REDIS_PASSWORD")).as(app).contains(password);
      assertThat(env(c, "QUARKUS_REDIS_HOSTS").orElseThrow())
          .as(app + ": no credential in a plain value")
          .doesNotContain("@");
    }
    ObjectNode secret = Chart.find(objects, "Secret", password.getName()).orElseThrow();
    assertThat(secret.path("data").path(password.getKey()).asText())
        .as("a generated password of 40 characters")
        .hasSizeGreaterThanOrEqualTo(40);
  }

  @Test
  void a_redis_password_of_your_own_replaces_the_generated_one() throws Exception {
    List<ObjectNode> objects =
        Chart.parse(Chart.template(null, Map.of("redis.auth.existingSecret", "my-redis")));
    assertThat(Chart.ofKind(objects, "Secret")).as("no generated Secret").isEmpty();
    assertThat(secretOf(redisContainer(objects), "REDIS_PASSWORD").orElseThrow().getName())
        .isEqualTo("my-redis");
    assertThat(
            secretOf(WorkloadPolicyTest.appContainer(objects, "gateway"), "QUARKUS_REDIS_PASSWORD")
                .orElseThrow()
                .getName())
        .isEqualTo("my-redis");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void redis_appends_every_write_to_a_file_on_its_volume(String label, Path values)
      throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    Container redis = redisContainer(objects);
    assertThat(redis.getCommand()).containsSubsequence("--appendonly", "yes");
    int dir = redis.getCommand().indexOf("--dir");
    String dataDir = redis.getCommand().get(dir + 1);
    assertThat(redis.getVolumeMounts())
        .as("the append-only file is on the persistent volume")
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo(dataDir);
              assertThat(statefulSet(objects).getSpec().getVolumeClaimTemplates())
                  .anySatisfy(v -> assertThat(v.getMetadata().getName()).isEqualTo(m.getName()));
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_kafka_listener_authenticates_its_clients_and_applies_acls(String label, Path values) {
    for (ObjectNode kafka : Chart.ofKind(Chart.objects(values), "Kafka")) {
      JsonNode spec = kafka.path("spec").path("kafka");
      assertThat(spec.path("listeners")).isNotEmpty();
      for (JsonNode listener : spec.path("listeners")) {
        assertThat(listener.path("authentication").path("type").asText())
            .as("listener " + listener.path("name").asText())
            .isIn("scram-sha-512", "tls");
      }
      assertThat(spec.path("authorization").path("type").asText()).isEqualTo("simple");
      assertThat(kafka.path("spec").path("entityOperator").has("userOperator"))
          .as("Strimzi's User Operator turns each KafkaUser into credentials and ACLs")
          .isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void every_kafka_client_logs_in_as_its_own_user(String label, Path values) throws Exception {
    List<ObjectNode> objects = Chart.objects(values);
    for (String app : Repo.APPS) {
      Container c = WorkloadPolicyTest.appContainer(objects, app);
      if (env(c, "KAFKA_BOOTSTRAP_SERVERS").isEmpty()) {
        continue;
      }
      assertThat(env(c, "KAFKA_SECURITY_PROTOCOL")).as(app).contains("SASL_PLAINTEXT");
      assertThat(env(c, "KAFKA_SASL_MECHANISM")).as(app).contains("SCRAM-SHA-512");
      SecretKeySelector login = secretOf(c, "KAFKA_SASL_JAAS_CONFIG").orElseThrow();
      assertThat(login.getName()).as(app + ": the Secret of its KafkaUser").isEqualTo(user(app));
      assertThat(login.getKey()).isEqualTo("sasl.jaas.config");
      assertThat(Chart.find(objects, "KafkaUser", user(app))).as(app).isPresent();
    }

    JsonNode connect = Chart.ofKind(objects, "KafkaConnect").get(0).path("spec");
    assertThat(connect.path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
    assertThat(connect.path("authentication").path("username").asText()).isEqualTo(user("connect"));
    assertThat(connect.path("authentication").path("passwordSecret").path("secretName").asText())
        .isEqualTo(user("connect"));
    assertThat(connect.path("config").path("connector.client.config.override.policy").asText())
        .as("connectors may log in as their own users")
        .isEqualTo("Principal");

    for (ObjectNode scaled : Chart.ofKind(objects, "ScaledObject")) {
      for (JsonNode trigger : scaled.path("spec").path("triggers")) {
        if (!trigger.path("type").asText().equals("kafka")) {
          continue;
        }
        String where = Chart.id(scaled) + " " + trigger.path("name").asText();
        assertThat(trigger.path("metadata").path("sasl").asText())
            .as(where)
            .isEqualTo("scram_sha512");
        String ref = trigger.path("authenticationRef").path("name").asText();
        JsonNode auth =
            Chart.find(objects, "TriggerAuthentication", ref).orElseThrow().path("spec");
        JsonNode username = auth.path("configMapTargetRef").get(0);
        assertThat(username.path("parameter").asText()).isEqualTo("username");
        assertThat(
                Chart.find(objects, "ConfigMap", username.path("name").asText())
                    .orElseThrow()
                    .path("data")
                    .path(username.path("key").asText())
                    .asText())
            .as(where + ": KEDA's user")
            .isEqualTo(user("keda"));
        JsonNode password = auth.path("secretTargetRef").get(0);
        assertThat(password.path("parameter").asText()).isEqualTo("password");
        assertThat(password.path("name").asText())
            .as(where + ": Strimzi's Secret of KEDA's user")
            .isEqualTo(user("keda"));
        assertThat(password.path("key").asText()).isEqualTo("password");
      }
    }
  }

  @Test
  void the_dlq_replay_job_logs_in_as_its_own_kafka_user() throws Exception {
    Path values = Files.createTempFile("dlq-replay", ".yaml");
    Files.writeString(values, "dlqReplay:\n  enabled: true\n");
    List<ObjectNode> objects = Chart.objects(values);
    ObjectNode job = Chart.find(objects, "Job", user("dlq-replay")).orElseThrow();
    Container c =
        Chart.JSON.convertValue(
            job.path("spec").path("template").path("spec").path("containers").get(0),
            Container.class);

    assertThat(env(c, "KAFKA_SECURITY_PROTOCOL")).contains("SASL_PLAINTEXT");
    assertThat(env(c, "KAFKA_SASL_MECHANISM")).contains("SCRAM-SHA-512");
    SecretKeySelector login = secretOf(c, "KAFKA_SASL_JAAS_CONFIG").orElseThrow();
    assertThat(login.getName()).isEqualTo(user("dlq-replay"));
    assertThat(login.getKey()).isEqualTo("sasl.jaas.config");
    assertThat(Chart.find(objects, "KafkaUser", user("dlq-replay"))).isPresent();
  }

  private static String user(String principal) {
    return Chart.component(principal);
  }

  private static StatefulSet statefulSet(List<ObjectNode> objects) {
    ObjectNode node = Chart.find(objects, "StatefulSet", Chart.component("redis")).orElseThrow();
    return Chart.JSON.convertValue(node, StatefulSet.class);
  }

  private static Container redisContainer(List<ObjectNode> objects) {
    return statefulSet(objects).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Optional<String> env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .filter(v -> v != null)
        .findFirst();
  }

  private static Optional<SecretKeySelector> secretOf(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name) && e.getValueFrom() != null)
        .map(e -> e.getValueFrom().getSecretKeyRef())
        .filter(s -> s != null)
        .findFirst();
  }
}
