package dev.tessera.testing;

import dev.tessera.servers.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A service's database refusing connections, as during a failover: {@code ALLOW_CONNECTIONS false}
 * and every session of the service's pool ended. Closing it lets connections in again.
 *
 * <pre>{@code
 * try (var outage = DatabaseOutage.of("orders")) {
 *   given()...get("/api/orders").then().statusCode(503);
 * }
 * }</pre>
 *
 * <p>Replication sessions (a Debezium capture of the outbox) are left alone, so that later tests of
 * the same JVM still see the service's events.
 */
public final class DatabaseOutage implements AutoCloseable {

  private final Postgres postgres;
  private final String database;

  private DatabaseOutage(Postgres postgres, String database) {
    this.postgres = postgres;
    this.database = database;
  }

  /**
   * Starts refusing connections to {@code database} of the shared servers and ends its sessions.
   */
  public static DatabaseOutage of(String database) {
    DatabaseOutage outage = new DatabaseOutage(TesseraServers.shared().postgres(), database);
    outage.allowConnections(false);
    try (Connection c = outage.postgres.connectAsSuperuser("postgres");
        PreparedStatement p =
            c.prepareStatement(
                "select pg_terminate_backend(pid) from pg_stat_activity"
                    + " where datname = ? and backend_type = 'client backend'"
                    + " and pid <> pg_backend_pid()")) {
      p.setString(1, database);
      p.execute();
    } catch (SQLException e) {
      outage.close();
      throw new IllegalStateException("could not end the sessions of " + database, e);
    }
    return outage;
  }

  /** Lets connections to the database in again. */
  @Override
  public void close() {
    allowConnections(true);
  }

  private void allowConnections(boolean allow) {
    try (Connection c = postgres.connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      // The name was checked when the database was created (a plain lower-case identifier).
      s.execute("alter database \"" + database + "\" with allow_connections " + allow);
    } catch (SQLException e) {
      throw new IllegalStateException("could not change connections to " + database, e);
    }
  }
}
