package dev.tessera.eventing.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.eventing.PlatformMigrations;
import dev.tessera.servers.Database;
import dev.tessera.servers.LocalPostgres;
import dev.tessera.servers.Servers;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slot invalidated by {@code max_slot_wal_keep_size} while Connect was away: readiness says so,
 * and Debezium publishes nothing past the gap.
 *
 * <p>On a PostgreSQL of its own: the setting is server-wide, and would invalidate the slots of the
 * other test classes too. Kafka and Connect are the shared ones.
 */
class SlotGapTest {

  private static final String SLOT = "tessera_gap_outbox";
  private static final String CONNECTOR = "tessera-gap-outbox";
  private static final String TOPIC = "gap.user.events";
  private static final long MAX_RETAINED = 1L << 30;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void a_slot_lost_while_connect_was_away_fails_readiness_and_nothing_past_the_gap_is_published()
      throws Exception {
    Servers servers = TesseraServers.shared();
    try (LocalPostgres postgres = new LocalPostgres(dir.resolve("postgres"), false)) {
      postgres.start();
      Database db = postgres.createDatabase("gap", "gap", "gap-local");
      try (Connection app = postgres.connect(db.name(), db.owner());
          Connection admin = postgres.connectAsSuperuser("postgres");
          TopicReader reader = new TopicReader(servers.kafka().bootstrapServers(), TOPIC)) {
        PlatformMigrations.apply(app);
        OutboxSlot.ensure(app, SLOT);
        register(servers, postgres, db);
        String published = record(app);
        await().atMost(Duration.ofSeconds(90)).until(() -> reader.withKey(published).size() == 1);
        // Its position is stored: the restarted connector has something to compare the slot with.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> connect(servers, "GET", "/offsets").contains("lsn"));

        connect(servers, "PUT", "/stop");
        await().atMost(Duration.ofSeconds(60)).until(() -> !slotActive(admin));
        String inGap = record(app);
        try (Statement s = admin.createStatement()) {
          s.execute("alter system set max_slot_wal_keep_size = '1MB'");
          s.execute("select pg_reload_conf()");
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  writeWalSegment(app, admin);
                  return "lost".equals(health(app).walStatus());
                });
        assertThat(health(app).problem()).isEqualTo("lost");
        String afterGap = record(app);

        connect(servers, "PUT", "/resume");
        // The task cannot read from a lost slot (it waits for a valid one); the operator's first
        // recovery step (docs/failure-model.md) drops it, and the task then fails for good.
        try (Statement s = admin.createStatement()) {
          s.execute("select pg_drop_replication_slot('" + SLOT + "')");
        }
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> connect(servers, "GET", "/status").contains("\"FAILED\""));
        assertThat(connect(servers, "GET", "/status")).contains("no longer available");
        assertThat(reader.withKey(inGap)).isEmpty();
        assertThat(reader.withKey(afterGap)).isEmpty();
        assertThat(health(app).problem()).isEqualTo("missing");
      } finally {
        servers.connect().deleteConnector(CONNECTOR);
      }
    }
  }

  /** The service's real connector config, on this test's database, slot and topic. */
  private static void register(Servers servers, LocalPostgres postgres, Database db) {
    Map<String, String> config =
        new LinkedHashMap<>(
            new OutboxConnector("identity")
                .config(
                    new OutboxConnector.Database(
                        postgres.host(),
                        postgres.port(),
                        db.name(),
                        db.owner().username(),
                        db.owner().password())));
    config.put("name", CONNECTOR);
    config.put("slot.name", SLOT);
    config.put("topic.prefix", "tessera.gap");
    config.put("transforms.outbox.route.topic.replacement", "gap.${routedByValue}.events");
    servers.connect().createOrUpdateConnector(CONNECTOR, config);
    servers.connect().awaitConnectorRunning(CONNECTOR, Duration.ofSeconds(60));
  }

  /** Records a UserRegistered-shaped event in the outbox and returns its key. */
  private static String record(Connection app) throws SQLException {
    String key = UUID.randomUUID().toString();
    try (PreparedStatement p =
        app.prepareStatement(
            "insert into outbox (id, aggregatetype, aggregateid, type, payload)"
                + " values (?, 'user', ?, 'UserRegistered', '{}'::jsonb)")) {
      p.setObject(1, UUID.randomUUID());
      p.setString(2, key);
      p.executeUpdate();
    }
    return key;
  }

  /** Fills the current WAL segment and checkpoints, so old segments are removed. */
  private static void writeWalSegment(Connection app, Connection admin) throws SQLException {
    try (Statement a = app.createStatement();
        Statement s = admin.createStatement()) {
      a.execute("insert into outbox_heartbeat default values");
      s.execute("select pg_switch_wal()");
      s.execute("checkpoint");
    }
  }

  private static SlotHealth health(Connection app) throws SQLException {
    // Readiness' own query and judgement (OutboxCaptureCheck), over JDBC.
    try (PreparedStatement p = app.prepareStatement(SlotHealth.QUERY.replace(":slot", "?"))) {
      p.setString(1, SLOT);
      try (ResultSet r = p.executeQuery()) {
        return r.next()
            ? SlotHealth.of(r.getString(1), r.getLong(2), MAX_RETAINED)
            : SlotHealth.missing();
      }
    }
  }

  private static boolean slotActive(Connection admin) throws SQLException {
    try (PreparedStatement p =
        admin.prepareStatement("select active from pg_replication_slots where slot_name = ?")) {
      p.setString(1, SLOT);
      try (ResultSet r = p.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  /** Calls Connect's REST API for the test's connector and returns the body. */
  private static String connect(Servers servers, String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(servers.connect().restUrl() + "/connectors/" + CONNECTOR + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(List.of(200, 202, 204)).as(method + " " + path).contains(response.statusCode());
    return response.body();
  }
}
