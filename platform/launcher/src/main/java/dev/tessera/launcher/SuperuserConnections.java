package dev.tessera.launcher;

import dev.tessera.servers.LocalPostgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** JDBC connections as the local PostgreSQL's superuser, for the launcher's read-only reports. */
final class SuperuserConnections {

  private SuperuserConnections() {}

  /** A connection to {@code database} on the server at {@code url} ({@code postgresql://h:p}). */
  static Connection connect(String url, String database) throws SQLException {
    URI uri = URI.create(url);
    Properties p = new Properties();
    p.setProperty("user", LocalPostgres.SUPERUSER.username());
    p.setProperty("password", LocalPostgres.SUPERUSER.password());
    p.setProperty("connectTimeout", "2");
    Connection c =
        new org.postgresql.Driver()
            .connect(
                "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + "/" + database, p);
    if (c == null) {
      throw new SQLException("no driver for " + url);
    }
    return c;
  }
}
