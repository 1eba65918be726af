package dev.tessera.testing;

import dev.tessera.servers.Credentials;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The database of the Quarkus application under test, opened as its owner with the datasource
 * settings {@link TesseraTestResource} gave it: what a test reads (or, as another release would,
 * changes) directly. Parameters are bound in order, by JDBC's {@code setObject}.
 */
public final class ServiceDatabase {

  private ServiceDatabase() {}

  /** A new connection; the caller closes it. */
  public static Connection connect() throws SQLException {
    String url = config("quarkus.datasource.jdbc.url");
    return connect(url.substring(url.lastIndexOf('/') + 1));
  }

  /**
   * A new connection to another database of the service on the same server, as its owner (a sharded
   * service's second database); the caller closes it.
   */
  public static Connection connect(String database) throws SQLException {
    return TesseraServers.shared()
        .postgres()
        .connect(
            database,
            new Credentials(
                config("quarkus.datasource.username"), config("quarkus.datasource.password")));
  }

  /** The number a {@code select count(*)} returns. */
  public static int count(String sql, Object... parameters) {
    return ((Number) single(sql, parameters)).intValue();
  }

  /** {@link #count} in the service's other database {@code database}. */
  public static int countIn(String database, String sql, Object... parameters) {
    try (Connection c = connect(database);
        PreparedStatement p = prepare(c, sql, parameters);
        ResultSet r = p.executeQuery()) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #execute} in the service's other database {@code database}. */
  public static int executeIn(String database, String sql, Object... parameters) {
    try (Connection c = connect(database);
        PreparedStatement p = prepare(c, sql, parameters)) {
      p.execute();
      return Math.max(p.getUpdateCount(), 0);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of the first row, or {@code null} when there is no row. */
  public static Object single(String sql, Object... parameters) {
    List<Map<String, Object>> rows = rows(sql, parameters);
    return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
  }

  /** Every row, each a map of column label to value in column order. */
  public static List<Map<String, Object>> rows(String sql, Object... parameters) {
    try (Connection c = connect();
        PreparedStatement p = prepare(c, sql, parameters);
        ResultSet r = p.executeQuery()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      int columns = r.getMetaData().getColumnCount();
      while (r.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs an insert, update or DDL statement; returns the rows it changed. */
  public static int execute(String sql, Object... parameters) {
    try (Connection c = connect();
        PreparedStatement p = prepare(c, sql, parameters)) {
      p.execute();
      return Math.max(p.getUpdateCount(), 0);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    for (int i = 0; i < parameters.length; i++) {
      p.setObject(i + 1, parameters[i]);
    }
    return p;
  }

  private static String config(String key) {
    return ConfigProvider.getConfig().getValue(key, String.class);
  }
}
