package dev.tessera.servers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A PostgreSQL server with logical replication on ({@code wal_level=logical}), where each service
 * gets its own database and role.
 */
public interface Postgres {

  /** Host name that the tests and the services connect to. */
  String host();

  /** Port that the tests and the services connect to. */
  int port();

  /** The superuser, for administration and for tests that inspect the server. */
  Credentials superuser();

  /**
   * Host name of this server as the Kafka Connect worker sees it: what a Debezium connector config
   * puts in {@code database.hostname}. Differs from {@link #host()} only when Connect runs in a
   * container.
   */
  default String hostForConnect() {
    return host();
  }

  /** Port of this server as the Kafka Connect worker sees it ({@code database.port}). */
  default int portForConnect() {
    return port();
  }

  /** {@code jdbc:postgresql://host:port/database}. */
  default String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
  }

  /** {@code postgresql://host:port/database}, the form of Quarkus' reactive datasource URL. */
  default String reactiveUrl(String database) {
    return "postgresql://" + host() + ":" + port() + "/" + database;
  }

  /**
   * Creates a database owned by a role of its own, or brings an existing pair to this state.
   *
   * <p>The role can log in with {@code password}, owns {@code name} (so it can run the service's
   * migrations and create its publication), has {@code REPLICATION} so that Debezium can stream the
   * service's outbox with the same credentials, and cannot connect to any other database: {@code
   * CONNECT} on every database made here is revoked from {@code PUBLIC}.
   */
  default Database createDatabase(String name, String owner, String password) {
    requireIdentifier(name, "database name");
    requireIdentifier(owner, "role name");
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("a role needs a non-empty password");
    }
    // Serialized within this JVM; concurrent JVMs are covered by ignoring "already exists".
    synchronized (Postgres.class) {
      try (Connection c = connectAsSuperuser("postgres");
          Statement s = c.createStatement()) {
        // Password literals cannot be bound as parameters in DDL; quotes are doubled instead.
        String rolePassword = "'" + password.replace("'", "''") + "'";
        if (exists(c, "select 1 from pg_roles where rolname = ?", owner)) {
          s.execute("alter role \"" + owner + "\" login replication password " + rolePassword);
        } else {
          ignoreDuplicate(
              s, "create role \"" + owner + "\" login replication password " + rolePassword);
        }
        if (!exists(c, "select 1 from pg_database where datname = ?", name)) {
          ignoreDuplicate(s, "create database \"" + name + "\" owner \"" + owner + "\"");
        }
        s.execute("revoke all on database \"" + name + "\" from public");
        s.execute("grant all on database \"" + name + "\" to \"" + owner + "\"");
      } catch (SQLException e) {
        throw new IllegalStateException("could not create database " + name, e);
      }
    }
    return new Database(name, new Credentials(owner, password), jdbcUrl(name), reactiveUrl(name));
  }

  /** Opens a JDBC connection to {@code database} as the superuser; the caller closes it. */
  default Connection connectAsSuperuser(String database) throws SQLException {
    return connect(database, superuser());
  }

  /** Opens a JDBC connection to {@code database} as {@code user}; the caller closes it. */
  default Connection connect(String database, Credentials user) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user.username());
    properties.setProperty("password", user.password());
    // Not DriverManager: it refuses drivers that the caller's class loader did not load, which
    // happens under Quarkus' test class loaders.
    Connection connection = new org.postgresql.Driver().connect(jdbcUrl(database), properties);
    if (connection == null) {
      throw new SQLException("the PostgreSQL driver rejected " + jdbcUrl(database));
    }
    return connection;
  }

  private static boolean exists(Connection c, String query, String value) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(query)) {
      p.setString(1, value);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  private static void ignoreDuplicate(Statement s, String ddl) throws SQLException {
    try {
      s.execute(ddl);
    } catch (SQLException e) {
      // 42710 duplicate_object (role), 42P04 duplicate_database: another JVM was faster.
      if (!"42710".equals(e.getSQLState()) && !"42P04".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  private static void requireIdentifier(String value, String what) {
    // Names are spliced into DDL, so only plain lower-case identifiers are accepted.
    String pattern = "[a-z_][a-z0-9_]{0,62}";
    if (value == null || !value.matches(pattern)) {
      throw new IllegalArgumentException(what + " must match " + pattern + ", got " + value);
    }
  }
}
