package dev.tessera.eventing.outbox;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventTypes;
import dev.tessera.eventing.EventingConfig;
import dev.tessera.sharding.NamedDatabase;
import dev.tessera.sharding.ShardDatabases;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Creates the outbox's replication slot when the service starts, before anything in it can record
 * an event: from then on the WAL holds every outbox insert until Debezium has read it, whenever its
 * connector is registered.
 *
 * <p>The slot belongs to the service, not to whoever registers the connector: with the connector
 * making it, an event committed before that (the bootstrap admin's {@code UserRegistered}, a
 * consumer or a scheduled job running before a first start finished) was never published.
 */
@ApplicationScoped
public class OutboxSlot {

  private static final Logger LOG = Logger.getLogger(OutboxSlot.class);

  /**
   * Before every other startup observer: the scheduler starts at 0, messaging at 1000, application
   * code (e.g. identity's admin bootstrap) at 2500. Flyway has migrated by then (runtime init).
   */
  static final int BEFORE_ANY_WRITER = -1000;

  private static final String EXISTS = "select 1 from pg_replication_slots where slot_name = ?";

  /**
   * A failover slot (PostgreSQL 17: the last argument), so a standby with {@code
   * sync_replication_slots} keeps a copy that Debezium resumes from after a promotion. Not
   * temporary, no two-phase decoding.
   */
  private static final String CREATE =
      "select slot_name from pg_create_logical_replication_slot(?, 'pgoutput', false, false, true)";

  private final EventingConfig config;
  private final AgroalDataSource dataSource;
  private final ShardDatabases databases;
  private final String username;
  private final String password;

  OutboxSlot(
      EventingConfig config,
      AgroalDataSource dataSource,
      ShardDatabases databases,
      @ConfigProperty(name = "quarkus.datasource.username") String username,
      @ConfigProperty(name = "quarkus.datasource.password") String password) {
    this.config = config;
    this.dataSource = dataSource;
    this.databases = databases;
    this.username = username;
    this.password = password;
  }

  void onStart(@Observes @Priority(BEFORE_ANY_WRITER) StartupEvent event) throws SQLException {
    if (!EventTypes.publishers().contains(config.service())) {
      // A slot nobody reads would hold back WAL for ever.
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      ensure(c, config.capture().slot());
    }
    // A sharded service's other databases: each has its own connector, and so its own slot.
    for (NamedDatabase other : databases.others()) {
      try (Connection c = DriverManager.getConnection(other.jdbcUrl(), username, password)) {
        ensure(c, new OutboxConnector(config.service(), other.name()).slotName());
      }
    }
  }

  /**
   * Creates {@code slot} unless it exists. A slot that was lost is left as it is: replacing it
   * would hide the gap (readiness reports it, and docs/failure-model.md says how to recover).
   */
  static void ensure(Connection c, String slot) throws SQLException {
    // Autocommit: Postgres refuses to create a logical slot in a transaction that has written.
    c.setAutoCommit(true);
    if (exists(c, slot)) {
      return;
    }
    try (PreparedStatement create = c.prepareStatement(CREATE)) {
      create.setString(1, slot);
      create.execute();
      LOG.infof("created replication slot %s for the outbox", slot);
    } catch (SQLException e) {
      // 42710 duplicate_object: another instance, starting at the same time, made it first.
      if (!"42710".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static boolean exists(Connection c, String slot) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(EXISTS)) {
      p.setString(1, slot);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }
}
