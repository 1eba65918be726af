package dev.tessera.shardmover;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * One orders database a move reads or writes, and the role it connects as.
 *
 * @param name the database's name in the shard map ({@code orders}, {@code orders2}), which is also
 *     what names its outbox connector's slot
 * @param jdbcUrl {@code jdbc:postgresql://host:port/dbname}; one host only. The target's server
 *     reaches the source at the same host and port (its subscription connects there)
 * @param username the role: the database's owner (see the module's README for what it needs)
 * @param password its password
 */
public record Database(String name, String jdbcUrl, String username, String password) {

  public Database {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (!jdbcUrl.startsWith("jdbc:postgresql://") || jdbcUrl.indexOf(',') >= 0) {
      throw new IllegalArgumentException(
          "database "
              + name
              + ": not a single-host PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): "
              + jdbcUrl);
    }
  }

  /** Opens a connection as {@link #username()}; the caller closes it. */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", username);
    properties.setProperty("password", password);
    properties.setProperty("ApplicationName", "tessera-shard-mover");
    properties.setProperty("connectTimeout", "10");
    // Not DriverManager: it refuses drivers that the caller's class loader did not load.
    Connection connection = new org.postgresql.Driver().connect(jdbcUrl, properties);
    if (connection == null) {
      throw new SQLException("the PostgreSQL driver rejected " + jdbcUrl);
    }
    return connection;
  }

  private URI uri() {
    return URI.create(jdbcUrl.substring("jdbc:".length()));
  }

  /** The server's host name, as the URL has it. */
  public String host() {
    return uri().getHost();
  }

  /** The server's port (5432 when the URL has none). */
  public int port() {
    int port = uri().getPort();
    return port < 0 ? 5432 : port;
  }

  /** The PostgreSQL database's own name on its server (the URL's path). */
  public String databaseName() {
    String path = uri().getPath();
    return path == null || path.length() <= 1 ? username : path.substring(1);
  }

  /**
   * A libpq connection string to this database, for a subscription on another server: each value
   * quoted, so a password with spaces or quotes stays one value.
   */
  String conninfo() {
    return "host="
        + quote(host())
        + " port="
        + port()
        + " dbname="
        + quote(databaseName())
        + " user="
        + quote(username)
        + " password="
        + quote(password)
        + " application_name="
        + quote("tessera-shard-mover");
  }

  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Override
  public String toString() {
    // Never the password: this record ends up in logs and error messages.
    return name + " (" + username + "@" + host() + ":" + port() + "/" + databaseName() + ")";
  }
}
