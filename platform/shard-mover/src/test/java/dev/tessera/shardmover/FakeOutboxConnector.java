package dev.tessera.shardmover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for Debezium on a source database: its logical slot ({@code tessera_<db>_outbox}),
 * which it confirms up to the current WAL position every 50 ms while {@link #running} — what the
 * real connector does as it hands the outbox's changes to Kafka. Stopped, the slot stays where it
 * was.
 */
final class FakeOutboxConnector implements AutoCloseable {

  private final Database database;
  private final String slot;
  private final ScheduledExecutorService confirmer = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean running;

  FakeOutboxConnector(Database database, String slot) throws SQLException {
    this.database = database;
    this.slot = slot;
    try (Connection c = database.connect();
        PreparedStatement p =
            c.prepareStatement("select pg_create_logical_replication_slot(?, 'pgoutput')")) {
      p.setString(1, slot);
      p.execute();
    }
    confirmer.scheduleWithFixedDelay(this::confirm, 0, 50, TimeUnit.MILLISECONDS);
  }

  /** Starts or stops confirming. */
  FakeOutboxConnector running(boolean value) {
    running = value;
    return this;
  }

  private void confirm() {
    if (!running) {
      return;
    }
    try (Connection c = database.connect();
        PreparedStatement p =
            c.prepareStatement("select pg_replication_slot_advance(?, pg_current_wal_lsn())")) {
      p.setString(1, slot);
      p.execute();
    } catch (SQLException e) {
      // The next round tries again, as the connector would after a hiccup.
    }
  }

  @Override
  public void close() throws Exception {
    confirmer.shutdownNow();
    confirmer.awaitTermination(10, TimeUnit.SECONDS);
    try (Connection c = database.connect();
        PreparedStatement p =
            c.prepareStatement(
                "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                    + " where slot_name = ?")) {
      p.setString(1, slot);
      p.execute();
    }
  }
}
