package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.Tessera;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.Credentials;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** What {@code ./tessera up} promises before any request is made. */
class SystemStartupIT {

  private final TesseraSystem system = WholeSystem.get();

  @Test
  void every_service_instance_and_the_gateway_report_ready() {
    assertThat(system.allInstances())
        .hasSize(system.services().all().size() + 1); // orders runs twice
    for (AppProcess app : system.allInstances()) {
      assertThat(app.healthStatus("/q/health/ready")).as(app.id()).isEqualTo(200);
      assertThat(app.healthStatus("/q/health/live")).as(app.id()).isEqualTo(200);
    }
    assertThat(WholeSystem.gateway().get("/q/health/ready", null).status()).isEqualTo(200);
  }

  @Test
  void every_service_that_publishes_has_its_outbox_captured_by_its_own_connector() {
    for (String service : java.util.List.of("identity", "orders", "billing")) {
      String status =
          system.servers().connect().connectorStatus(new OutboxConnector(service).name());
      assertThat(status).as(service).isNotNull().contains("\"state\":\"RUNNING\"");
    }
    // Notifications publishes nothing: no connector (an idle one still costs Connect CPU).
    assertThat(
            system.servers().connect().connectorStatus(new OutboxConnector("notifications").name()))
        .isNull();
  }

  @Test
  void every_user_including_the_bootstrap_admin_has_its_user_registered_on_the_topic()
      throws SQLException {
    Set<String> users = new TreeSet<>();
    try (Connection c =
            system.servers().postgres().connect("identity", system.databaseOwner("identity"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select id from users")) {
      while (r.next()) {
        users.add(r.getString(1));
      }
    }
    assertThat(users).isNotEmpty(); // at least the admin, made before any connector existed
    Set<String> published = new TreeSet<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                system.servers().kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "startup-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of("identity.user.events"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, String> record :
                    consumer.poll(Duration.ofMillis(500))) {
                  Header type = record.headers().lastHeader("eventType");
                  if (type != null
                      && "UserRegistered"
                          .equals(new String(type.value(), StandardCharsets.UTF_8))) {
                    published.add(record.key());
                  }
                }
                return published.containsAll(users);
              });
    }
  }

  @Test
  void kafka_and_connect_compile_for_sustained_load() {
    // Every event crosses both twice; C1-only code costs them about twice the CPU
    // (docs/benchmarks.md, order saga).
    assertThat(system.servers().kafka().jvmOptions()).noneMatch(o -> o.startsWith("-XX:Tiered"));
    assertThat(system.servers().connect().jvmOptions()).noneMatch(o -> o.startsWith("-XX:Tiered"));
  }

  @Test
  void every_component_the_logs_command_names_has_its_log_there() {
    java.nio.file.Path data = system.options().dataDirectory();
    for (String name : java.util.List.of("kafka", "connect", "postgres", "redis", "orders")) {
      assertThat(Tessera.logFile(data, name)).as(name).isNotEmptyFile();
    }
    for (AppProcess app : system.allInstances()) {
      assertThat(Tessera.logFile(data, app.id())).as(app.id()).isEqualTo(app.log());
    }
  }

  @Test
  void a_service_role_opens_its_own_database_and_no_other() throws SQLException {
    Credentials orders = system.databaseOwner("orders");
    system.servers().postgres().connect("orders", orders).close();
    assertThatThrownBy(() -> system.servers().postgres().connect("billing", orders).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("permission denied");
  }
}
