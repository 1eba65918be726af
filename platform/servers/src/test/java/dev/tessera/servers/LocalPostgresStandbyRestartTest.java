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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A primary and its standby that keep their data ({@code ./tessera up} after {@code ./tessera
 * down}) start again on new ports. The standby must follow its primary at the new port: while it
 * does not, the primary's logical walsenders wait for it ({@code synchronized_standby_slots}), and
 * no outbox change reaches Kafka at all.
 */
class LocalPostgresStandbyRestartTest {

  private Path dir;
  private LocalPostgres primary;
  private LocalPostgres standby;

  @AfterEach
  void closeBoth() throws Exception {
    if (standby != null) {
      standby.close();
    }
    if (primary != null) {
      primary.close();
    }
    Directories.deleteRecursively(dir);
  }

  @Test
  void a_kept_standby_streams_from_its_primary_again_after_both_start_on_new_ports()
      throws Exception {
    dir =
        Files.createTempDirectory(
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))), "pg-restart-");
    startBoth();
    Database db = primary.createDatabase("rst", "rst_role", "secret-rst");
    try (Connection c = primary.connect("rst", db.owner());
        Statement s = c.createStatement()) {
      s.execute("create table t (id int primary key)");
      s.execute("insert into t values (1)");
    }
    // A failover slot, as the outbox connector's: it may move past a change only once the standby
    // has received it.
    try (Connection c = primary.connectAsSuperuser("rst");
        Statement s = c.createStatement()) {
      s.execute(
          "select pg_create_logical_replication_slot('rst_slot', 'pgoutput', false, false, true)");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions() // the database reaches the standby with the WAL
        .until(() -> count(standby, "rst", "t") == 1);
    int firstPort = primary.port();
    standby.close();
    primary.close();

    startBoth();

    assertThat(primary.port()).isNotEqualTo(firstPort);
    try (Connection c = primary.connect("rst", db.owner());
        Statement s = c.createStatement()) {
      s.execute("insert into t values (2)");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> count(standby, "rst", "t") == 2);
    // What Debezium's stream waits for: the slot moves past the change (it waits for the standby's
    // confirmation; at most 10 s here rather than forever).
    try (Connection c = primary.connectAsSuperuser("rst");
        Statement s = c.createStatement()) {
      s.execute("set statement_timeout = '10s'");
      s.execute("select pg_replication_slot_advance('rst_slot', pg_current_wal_lsn())");
    }
    assertThat(
            count(
                primary,
                "postgres",
                "pg_stat_replication where state = 'streaming'"
                    + " and application_name = '"
                    + LocalPostgres.STANDBY_SLOT
                    + "'"))
        .isEqualTo(1);
  }

  private void startBoth() {
    primary = new LocalPostgres(dir.resolve("primary"), true);
    primary.start();
    standby = LocalPostgres.standbyOf(primary, dir.resolve("standby"), true, Duration.ZERO);
    standby.start();
    primary.synchronizeStandbySlots(true); // as LocalServers does
  }

  private static long count(LocalPostgres server, String database, String from)
      throws SQLException {
    try (Connection c = server.connectAsSuperuser(database);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from " + from)) {
      r.next();
      return r.getLong(1);
    }
  }
}
