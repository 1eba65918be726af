package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPostgresStandbyTest {

  private static LocalPostgres primary;
  private static LocalPostgres standby;
  private static Database db;

  @BeforeAll
  static void startPrimaryAndStandby() throws Exception {
    Path dir =
        Files.createTempDirectory(
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))), "pg-standby-");
    primary = new LocalPostgres(dir.resolve("primary"), false);
    primary.start();
    db = primary.createDatabase("sbt", "sbt_role", "secret-sbt");
    try (Connection c = primary.connect("sbt", db.owner());
        Statement s = c.createStatement()) {
      s.execute("create table t (id int primary key)");
    }
    standby = LocalPostgres.standbyOf(primary, dir.resolve("standby"), false, Duration.ZERO);
    standby.start();
  }

  @AfterAll
  static void closeBoth() {
    if (standby != null) {
      standby.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  @Test
  @Order(1)
  void a_standby_cloned_from_the_running_primary_streams_and_serves_reads() throws Exception {
    assertThat(standby.inRecovery()).isTrue();
    try (Connection c = primary.connect("sbt", db.owner());
        Statement s = c.createStatement()) {
      s.execute("insert into t values (1)");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count(standby, "select count(*) from t where id = 1") == 1);
    assertThat(
            count(
                primary,
                "select count(*) from pg_stat_replication where state = 'streaming'"
                    + " and application_name = 'tessera_standby'"))
        .isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> standby.replayLagBytes() == 0);
  }

  @Test
  @Order(2)
  void the_standby_refuses_writes() {
    try (Connection c = standby.connect("sbt", db.owner());
        Statement s = c.createStatement()) {
      s.execute("insert into t values (2)");
      throw new AssertionError("a hot standby accepted a write");
    } catch (SQLException e) {
      // 25006 read_only_sql_transaction
      assertThat(e.getSQLState()).isEqualTo("25006");
    }
  }

  @Test
  @Order(3)
  void a_failover_slot_of_the_primary_is_synchronized_and_usable_after_promotion()
      throws Exception {
    primary.synchronizeStandbySlots(true);
    try (Connection c = primary.connect("sbt", db.owner());
        Statement s = c.createStatement()) {
      s.execute(
          "select pg_create_logical_replication_slot('sbt_slot', 'pgoutput', false, false, true)");
      s.execute("insert into t values (3)");
    }
    // A new slot is synchronized once its consumer has moved it past what the standby holds (its
    // hot_standby_feedback xmin): Debezium does so with every change and heartbeat; here the test
    // consumes in its place. Until then the standby's copy is temporary, and a promotion drops it.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                consumeSlot()
                    && count(
                            standby,
                            "select count(*) from pg_replication_slots where slot_name = 'sbt_slot'"
                                + " and synced and failover and not temporary")
                        == 1);

    standby.promote();

    assertThat(standby.inRecovery()).isFalse();
    try (Connection c = standby.connect("sbt", db.owner());
        Statement s = c.createStatement()) {
      s.execute("insert into t values (4)");
    }
    // Decoding from the slot (which a standby refuses for a synchronized slot) now works.
    try (Connection c = standby.connectAsSuperuser("sbt");
        Statement s = c.createStatement()) {
      s.execute("select pg_replication_slot_advance('sbt_slot', pg_current_wal_lsn())");
    }
    assertThat(
            count(
                standby,
                "select count(*) from pg_replication_slots where slot_name = 'sbt_slot'"
                    + " and failover and conflicting is not true"))
        .isEqualTo(1);
  }

  private static boolean consumeSlot() throws SQLException {
    try (Connection c = primary.connectAsSuperuser("sbt");
        Statement s = c.createStatement()) {
      s.execute("insert into t values ((select greatest(max(id), 1000) + 1 from t))");
      s.execute("select pg_log_standby_snapshot()");
      s.execute("select pg_replication_slot_advance('sbt_slot', pg_current_wal_lsn())");
    }
    return true;
  }

  private static long count(LocalPostgres server, String sql) throws SQLException {
    String database = sql.contains("from t") ? "sbt" : "postgres";
    try (Connection c = server.connectAsSuperuser(database);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
