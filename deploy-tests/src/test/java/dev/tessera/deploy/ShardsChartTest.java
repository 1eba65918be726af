package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.migrations.MigrationTool;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orders data over three databases (src/test/resources/shards-values.yaml: two shards and a
 * move): each shard database is a cluster like orders' own with its credentials, has the connector
 * of the code, reaches the service through TESSERA_SHARDING_DATABASES, and the network policies
 * open exactly the flows sharding needs; without shards nothing of it is rendered.
 */
class ShardsChartTest {

  private static final String SERVICE = "orders";
  private static final List<String> SHARDS = List.of("orders2", "orders3");
  private static final String HOME = Chart.component(SERVICE) + "-db";
  private static final String SECRET = HOME + "-app";
  private static final String MOVER = Chart.component(SERVICE + "-shard-move");

  private static Path values() {
    try {
      return Path.of(ShardsChartTest.class.getResource("/shards-values.yaml").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<ObjectNode> objects() {
    return Chart.objects(values());
  }

  private static String cluster(String database) {
    return Chart.component(database) + "-db";
  }

  @Test
  void the_chart_lints_strictly_with_shards() {
    LintResult lint = Chart.lintStrict(values());

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void every_object_rendered_with_shards_is_accepted_by_the_published_schemas() {
    for (Platform platform : Platform.matrix()) {
      List<ObjectNode> objects = Chart.objects(values(), platform);

      assertThat(SchemaValidator.problems(platform, objects)).as(platform.toString()).isEmpty();
      // What the operators' admission refuses beyond the schemas (AdmissionRulesTest).
      Set<String> pgbouncer =
          AdmissionRulesTest.CNPG_PGBOUNCER_PARAMETERS.get(platform.cloudnativePg());
      for (ObjectNode pooler : Chart.ofKind(objects, "Pooler")) {
        pooler
            .path("spec")
            .path("pgbouncer")
            .path("parameters")
            .fieldNames()
            .forEachRemaining(p -> assertThat(pgbouncer).as(Chart.id(pooler)).contains(p));
      }
      String kafka = Chart.name(Chart.ofKind(objects, "Kafka").get(0));
      for (String kind : List.of("KafkaTopic", "KafkaUser")) {
        assertThat(Chart.ofKind(objects, kind))
            .allSatisfy(o -> assertThat(label(o, "strimzi.io/cluster")).isEqualTo(kafka));
      }
    }
  }

  @Test
  void each_shard_database_is_a_cluster_like_orders_with_its_credentials_and_owned_shards() {
    List<ObjectNode> objects = objects();
    JsonNode defaults = Chart.find(Chart.objects(null), "Cluster", HOME).orElseThrow();
    JsonNode home = Chart.find(objects, "Cluster", HOME).orElseThrow();
    assertThat(home.path("spec"))
        .as("the home database, while no shard database owns any shard")
        .isEqualTo(defaults.path("spec"));

    for (String shard : SHARDS) {
      JsonNode spec = Chart.find(objects, "Cluster", cluster(shard)).orElseThrow().path("spec");
      assertThat(spec.path("postgresql"))
          .as(shard + ": logical decoding as orders has it")
          .isEqualTo(home.path("spec").path("postgresql"));
      assertThat(spec.path("replicationSlots"))
          .as(shard + ": its outbox slot survives a failover as orders' does")
          .isEqualTo(home.path("spec").path("replicationSlots"));
      JsonNode initdb = spec.path("bootstrap").path("initdb");
      assertThat(initdb.path("database").asText()).isEqualTo(SERVICE);
      assertThat(initdb.path("owner").asText()).isEqualTo(SERVICE);
      assertThat(initdb.path("secret").path("name").asText())
          .as(shard + ": one username and password serve all databases")
          .isEqualTo(SECRET);
      assertThat(initdb.path("postInitApplicationSQL"))
          .extracting(JsonNode::asText)
          .as(shard + ": owns nothing before its first migration")
          .containsExactly("alter database orders set tessera.owned_shards = ''");
      JsonNode role = spec.path("managed").path("roles").get(0);
      assertThat(role.path("name").asText()).isEqualTo(SERVICE);
      assertThat(role.path("replication").asBoolean())
          .as(shard + ": Debezium and the move's subscription replicate")
          .isTrue();
      assertThat(role.path("inRoles"))
          .extracting(JsonNode::asText)
          .as(shard + ": the move creates a subscription here (PostgreSQL 16+)")
          .contains("pg_create_subscription");
      assertThat(role.path("passwordSecret").path("name").asText()).isEqualTo(SECRET);
      int instances = spec.path("instances").asInt();
      assertThat(Chart.find(objects, "Pooler", cluster(shard) + "-pooler-rw")).isPresent();
      assertThat(Chart.find(objects, "Pooler", cluster(shard) + "-pooler-ro").isPresent())
          .isEqualTo(instances > 1);
    }
    JsonNode orders2 = Chart.find(objects, "Cluster", cluster("orders2")).orElseThrow();
    for (String field : List.of("instances", "storage", "resources")) {
      assertThat(orders2.path("spec").path(field))
          .as("orders2's " + field + ": the orders database's")
          .isEqualTo(home.path("spec").path(field));
    }
    JsonNode orders3 = Chart.find(objects, "Cluster", cluster("orders3")).orElseThrow();
    assertThat(orders3.path("spec").path("instances").asInt()).isEqualTo(3);
    assertThat(orders3.path("spec").path("storage").path("size").asText()).isEqualTo("20Gi");
    assertThat(orders3.path("spec").path("resources").path("limits").path("memory").asText())
        .isEqualTo("2Gi");
  }

  @Test
  void a_system_installed_sharded_gives_its_home_database_the_shards_no_shard_database_owns(
      @TempDir Path dir) throws Exception {
    Path values = dir.resolve("owning.yaml");
    Files.writeString(
        values,
        """
        apps:
          orders:
            shards:
              - {name: orders2, owns: "2048-3071,3584-4095"}
              - {name: orders3, owns: "3072-3583"}
        """);
    List<ObjectNode> objects = Chart.parse(Chart.template(values, Map.of()));

    assertThat(ownedShards(objects, HOME)).isEqualTo("0-2047");
    assertThat(ownedShards(objects, cluster("orders2"))).isEqualTo("2048-3071,3584-4095");
    assertThat(ownedShards(objects, cluster("orders3"))).isEqualTo("3072-3583");
  }

  private static String ownedShards(List<ObjectNode> objects, String cluster) {
    String sql =
        Chart.find(objects, "Cluster", cluster)
            .orElseThrow()
            .path("spec")
            .path("bootstrap")
            .path("initdb")
            .path("postInitApplicationSQL")
            .get(0)
            .asText();
    assertThat(sql).startsWith("alter database orders set tessera.owned_shards = '");
    return sql.replaceFirst("^[^']*'", "").replaceFirst("'$", "");
  }

  @Test
  void each_shard_connector_is_the_outbox_connector_configuration_of_the_code() throws Exception {
    List<ObjectNode> objects = objects();
    for (String shard : SHARDS) {
      ObjectNode node =
          Chart.find(objects, "KafkaConnector", "tessera-" + shard + "-outbox").orElseThrow();
      KafkaConnector connector = Chart.JSON.treeToValue(node, KafkaConnector.class);
      Map<String, String> expected =
          new OutboxConnector(SERVICE, shard)
              .config(
                  new OutboxConnector.Database(
                      cluster(shard) + "-rw." + Chart.NAMESPACE + ".svc",
                      5432,
                      SERVICE,
                      "${secrets:" + Chart.NAMESPACE + "/" + SECRET + ":username}",
                      "${secrets:" + Chart.NAMESPACE + "/" + SECRET + ":password}"));

      Map<String, String> rendered = new HashMap<>();
      connector.getSpec().getConfig().forEach((k, v) -> rendered.put(k, String.valueOf(v)));
      String user = Chart.component(shard + "-outbox");
      assertThat(rendered.remove("producer.override.sasl.jaas.config"))
          .as(shard + " connector's Kafka login: its own user")
          .isEqualTo("${secrets:" + Chart.NAMESPACE + "/" + user + ":sasl.jaas.config}");
      rendered.put("name", connector.getMetadata().getName());
      rendered.put("connector.class", connector.getSpec().getClassName());
      rendered.put("tasks.max", String.valueOf(connector.getSpec().getTasksMax()));

      assertThat(rendered)
          .as(shard + " connector, key by key")
          .containsExactlyInAnyOrderEntriesOf(expected);
      assertThat(label(node, "strimzi.io/cluster"))
          .isEqualTo(Chart.name(Chart.ofKind(objects, "KafkaConnect").get(0)));

      // Its heartbeat topic exists, and its user may write orders' events and that topic only.
      String heartbeat = "__debezium-heartbeat." + expected.get("topic.prefix");
      assertThat(Chart.ofKind(objects, "KafkaTopic"))
          .extracting(t -> t.path("spec").path("topicName").asText())
          .contains(heartbeat);
      Set<String> grants = new TreeSet<>();
      for (JsonNode acl :
          Chart.find(objects, "KafkaUser", user)
              .orElseThrow()
              .path("spec")
              .path("authorization")
              .path("acls")) {
        acl.path("operations")
            .forEach(
                op -> grants.add(op.asText() + " " + acl.path("resource").path("name").asText()));
      }
      Set<String> allowed = new TreeSet<>();
      for (String topic : eventTopicsOf(SERVICE)) {
        allowed.addAll(List.of("Write " + topic, "Describe " + topic));
      }
      allowed.addAll(List.of("Write " + heartbeat, "Describe " + heartbeat));
      assertThat(grants).as(user).isEqualTo(allowed);
    }
    JsonNode secrets =
        Chart.find(objects, "Role", Chart.component("connect") + "-secrets")
            .orElseThrow()
            .path("rules")
            .get(0)
            .path("resourceNames");
    assertThat(secrets)
        .extracting(JsonNode::asText)
        .as("Connect reads the shard connectors' logins")
        .contains(SECRET, Chart.component("orders2-outbox"), Chart.component("orders3-outbox"));
  }

  private static Set<String> eventTopicsOf(String service) {
    Set<String> topics = new TreeSet<>();
    for (EventType<?> type : EventTypes.all()) {
      if (type.service().equals(service)) {
        topics.add(type.topic());
      }
    }
    assertThat(topics).as(service + " publishes").isNotEmpty();
    return topics;
  }

  @Test
  void the_orders_pods_and_jobs_are_given_every_shard_database_and_no_other_app_is() {
    List<ObjectNode> objects = objects();
    Map<String, String> expected = new LinkedHashMap<>();
    for (String shard : SHARDS) {
      ObjectNode connector =
          Chart.find(objects, "KafkaConnector", "tessera-" + shard + "-outbox").orElseThrow();
      String host = connector.path("spec").path("config").path("database.hostname").asText();
      assertThat(host).as("the primary of the shard's cluster").startsWith(cluster(shard) + "-rw.");
      expected.put(shard, "jdbc:postgresql://" + host + ":5432/" + SERVICE);
    }
    PodSpec pod =
        podSpec(Chart.find(objects, "Deployment", Chart.component(SERVICE)).orElseThrow());
    PodSpec migrations =
        podSpec(
            Chart.find(objects, "Job", Chart.component(SERVICE + "-migrations") + "-1")
                .orElseThrow());
    Map<String, Container> containers =
        Map.of(
            "the app", pod.getContainers().get(0),
            "its await-schema init container", pod.getInitContainers().get(0),
            "its migration Job", migrations.getContainers().get(0),
            "the shard move Job", podSpec(moverJob(objects)).getContainers().get(0));
    containers.forEach(
        (what, container) ->
            assertThat(
                    MigrationTool.shardingDatabases(
                        env(container).getOrDefault("TESSERA_SHARDING_DATABASES", "")))
                .as(what + ", read as MigrationTool reads it")
                .containsExactlyEntriesOf(expected));
    for (String app : Repo.APPS) {
      if (!app.equals(SERVICE)) {
        Container c =
            podSpec(Chart.find(objects, "Deployment", Chart.component(app)).orElseThrow())
                .getContainers()
                .get(0);
        assertThat(env(c)).as(app).doesNotContainKey("TESSERA_SHARDING_DATABASES");
      }
    }
  }

  @Test
  void
      the_move_job_runs_the_shard_mover_from_the_orders_image_wired_and_hardened_as_the_migration_job() {
    List<ObjectNode> objects = objects();
    ObjectNode job = moverJob(objects);
    ObjectNode migrationJob =
        Chart.find(objects, "Job", Chart.component(SERVICE + "-migrations") + "-1").orElseThrow();
    PodSpec pod = podSpec(job);
    PodSpec migration = podSpec(migrationJob);
    Container move = pod.getContainers().get(0);
    Container migrate = migration.getContainers().get(0);

    assertThat(job.path("metadata").path("annotations").has("helm.sh/hook"))
        .as("an ordinary resource, like the migration Job")
        .isFalse();
    assertThat(move.getCommand())
        .containsExactly(
            "java",
            "-cp",
            "/deployments/lib/main/*",
            "dev.tessera.shardmover.ShardMoveTool",
            "move",
            "2048-3071",
            "orders2");
    assertThat(move.getImage()).isEqualTo(migrate.getImage());
    assertThat(move.getEnv()).as("the same env and Secrets").isEqualTo(migrate.getEnv());
    assertThat(move.getSecurityContext()).isEqualTo(migrate.getSecurityContext());
    assertThat(move.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(move.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(move.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
    assertThat(move.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(move.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(pod.getSecurityContext()).isEqualTo(migration.getSecurityContext());
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getVolumes()).isEqualTo(migration.getVolumes());
    assertThat(move.getVolumeMounts()).isEqualTo(migrate.getVolumeMounts());
  }

  @Test
  void the_network_policies_open_exactly_the_flows_sharding_needs() {
    List<ObjectNode> objects = objects();
    List<String> databases = new ArrayList<>(List.of(SERVICE));
    databases.addAll(SHARDS);

    // The orders pods: every database of orders and its Poolers, in the one database rule.
    Set<String> ordersPeers = new TreeSet<>();
    for (String database : databases) {
      ordersPeers.add("cnpg.io/cluster=" + cluster(database));
      ordersPeers.add("cnpg.io/poolerName=" + cluster(database) + "-pooler-rw");
      ordersPeers.add("cnpg.io/poolerName=" + cluster(database) + "-pooler-ro");
    }
    assertThat(databasePeers(objects, Chart.component(SERVICE))).isEqualTo(ordersPeers);
    // Its migration Job (and the move Job): every database's instances, nothing else.
    Set<String> clusters = new TreeSet<>();
    databases.forEach(d -> clusters.add("cnpg.io/cluster=" + cluster(d)));
    assertThat(databasePeers(objects, Chart.component(SERVICE + "-migrations")))
        .isEqualTo(clusters);
    assertThat(databasePeers(objects, MOVER)).isEqualTo(clusters);
    // The other services still reach only their own database.
    for (String app : Repo.SERVICES) {
      if (!app.equals(SERVICE)) {
        assertThat(databasePeers(objects, Chart.component(app)))
            .allSatisfy(peer -> assertThat(peer).contains(cluster(app)));
      }
    }

    JsonNode mover = policy(objects, MOVER);
    assertThat(NetworkPolicyTest.matchLabels(mover.path("podSelector")))
        .containsEntry("app.kubernetes.io/component", SERVICE + "-shard-move");
    assertThat(mover.path("policyTypes"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(mover.path("ingress")).as("nothing calls the move Job").isEmpty();
    List<Set<String>> ports = new ArrayList<>();
    mover.path("egress").forEach(rule -> ports.add(NetworkPolicyTest.ports(rule)));
    assertThat(ports).containsExactlyInAnyOrder(Set.of("53/UDP", "53/TCP"), Set.of("5432/TCP"));

    // Connect → each database, and a shard database's subscription → its source: no policy selects
    // Connect's or the databases' pods, so neither direction is restricted on 5432.
    Set<String> components = new TreeSet<>();
    for (ObjectNode policy : Chart.ofKind(objects, "NetworkPolicy")) {
      Map<String, String> selected =
          NetworkPolicyTest.matchLabels(policy.path("spec").path("podSelector"));
      assertThat(selected)
          .as(Chart.id(policy) + " selects pods of one component of the release")
          .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
          .containsKey("app.kubernetes.io/component")
          .doesNotContainKeys("cnpg.io/cluster", "strimzi.io/cluster", "strimzi.io/kind");
      assertThat(policy.path("spec").path("podSelector").path("matchExpressions")).isEmpty();
      components.add(selected.get("app.kubernetes.io/component"));
    }
    assertThat(components).doesNotContain("connect").noneMatch(c -> c.endsWith("-db"));
  }

  @Test
  void without_shards_nothing_of_sharding_is_rendered() {
    List<ObjectNode> defaults = Chart.objects(null);
    String explicit =
        Chart.template(null, Map.of("apps.orders.shards", "null", "apps.orders.shardMove", "null"));

    assertThat(explicit).isEqualTo(Chart.template(null, Map.of()));
    assertThat(Chart.ofKind(defaults, "Cluster")).hasSize(Repo.SERVICES.size());
    assertThat(Chart.ofKind(defaults, "KafkaConnector")).hasSize(EventTypes.publishers().size());
    assertThat(defaults.toString())
        .doesNotContain(
            "TESSERA_SHARDING_DATABASES", "shard-move", "owned_shards", "pg_create_subscription");
  }

  @Test
  void a_shard_named_like_an_app_or_owning_a_shard_twice_or_a_move_elsewhere_is_refused(
      @TempDir Path dir) throws Exception {
    Map<String, String> refusals = new LinkedHashMap<>();
    refusals.put("shards: [{name: orders, owns: ''}]", "orders is already the name of an app");
    refusals.put("shards: [{name: billing, owns: ''}]", "billing is already the name of an app");
    refusals.put(
        "shards: [{name: orders2, owns: ''}, {name: orders2, owns: ''}]",
        "orders2 is already the name of an app or another shard");
    refusals.put(
        "shards: [{name: orders2, owns: '0-10'}, {name: orders3, owns: '10-20'}]",
        "shard 10 is owned by both orders2 and orders3");
    refusals.put("shards: [{name: orders2, owns: '20-10'}]", "20-10 is not a range of shards");
    refusals.put(
        "shards: [{name: orders2, owns: '4000-4096'}]", "4000-4096 is not a range of shards");
    refusals.put(
        "shards: [{name: orders2, owns: ''}]\n    shardMove: {range: 0-9, to: orders9}",
        "orders9 is not one of apps.orders.shards");
    refusals.put("shards: [{name: Orders2, owns: ''}]", "name");
    refusals.put("shards: [{name: orders2}]", "owns");
    refusals.put("shards: [{name: orders2, owns: '', instance: 2}]", "instance");
    refusals.put("shardMove: {range: 0-9}", "shardMove");
    int i = 0;
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      Path values = dir.resolve("refused-" + i++ + ".yaml");
      Files.writeString(values, "apps:\n  orders:\n    " + refusal.getKey() + "\n");
      assertThatThrownBy(() -> Chart.template(values, Map.of()))
          .as(refusal.getKey())
          .hasMessageContaining(refusal.getValue());
    }
  }

  private static ObjectNode moverJob(List<ObjectNode> objects) {
    List<ObjectNode> jobs =
        Chart.ofKind(objects, "Job").stream()
            .filter(j -> label(j, "app.kubernetes.io/component").equals(SERVICE + "-shard-move"))
            .toList();
    assertThat(jobs).extracting(Chart::name).containsExactly(MOVER + "-2048-3071-orders2");
    return jobs.get(0);
  }

  /** The peers of one policy's egress rule on 5432, as "label=value". */
  private static Set<String> databasePeers(List<ObjectNode> objects, String policy) {
    Set<String> peers = new TreeSet<>();
    int rules = 0;
    for (JsonNode rule : policy(objects, policy).path("egress")) {
      if (NetworkPolicyTest.ports(rule).contains("5432/TCP")) {
        rules++;
        for (Map<String, String> pods :
            NetworkPolicyTest.podsOfThisNamespaceOnly(policy, rule, 5432)) {
          assertThat(pods).as(policy).hasSize(1);
          pods.forEach((k, v) -> peers.add(k + "=" + v));
        }
      }
    }
    assertThat(rules).as(policy + ": one database rule").isEqualTo(1);
    return peers;
  }

  private static JsonNode policy(List<ObjectNode> objects, String name) {
    return Chart.find(objects, "NetworkPolicy", name)
        .orElseThrow(() -> new AssertionError("no NetworkPolicy " + name))
        .path("spec");
  }

  private static PodSpec podSpec(JsonNode workload) {
    return Chart.JSON.convertValue(
        workload.path("spec").path("template").path("spec"), PodSpec.class);
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      env.put(e.getName(), e.getValue());
    }
    return env;
  }

  private static String label(JsonNode object, String key) {
    return object.path("metadata").path("labels").path(key).asText();
  }
}
