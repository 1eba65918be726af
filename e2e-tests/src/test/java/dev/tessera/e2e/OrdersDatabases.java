package dev.tessera.e2e;

import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every database of orders on a running system, the first and each shard database ({@code ./tessera
 * up --shards orders=N}), read as the superuser: what a test checks the whole of orders' data with,
 * wherever a user's shard put it.
 */
final class OrdersDatabases {

  private OrdersDatabases() {}

  /** The servers of orders' databases by their names in the shard map, the first first. */
  static Map<String, Postgres> of(TesseraSystem system) {
    Map<String, Postgres> servers = new LinkedHashMap<>();
    servers.put("orders", system.servers().postgres());
    for (TesseraSystem.ShardDatabase shard : system.shardDatabases("orders")) {
      servers.put(shard.name(), shard.server());
    }
    return servers;
  }

  /** A connection to orders' database on {@code server}; the caller closes it. */
  static Connection connect(Postgres server) throws SQLException {
    return server.connectAsSuperuser("orders");
  }

  /** The status of every order of {@code users}, by order id, from every database. */
  static Map<String, String> orderStatuses(TesseraSystem system, Collection<UUID> users)
      throws SQLException {
    Map<String, String> statuses = new HashMap<>();
    for (Postgres server : of(system).values()) {
      try (Connection c = connect(server);
          PreparedStatement p =
              c.prepareStatement("select id, status from orders where user_id = any(?)")) {
        p.setArray(1, c.createArrayOf("uuid", users.stream().map(UUID::toString).toArray()));
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            statuses.put(r.getString(1), r.getString(2));
          }
        }
      }
    }
    return statuses;
  }

  /** How many inbox rows all of orders' databases have for each of {@code events}. */
  static Map<UUID, Integer> inboxCounts(TesseraSystem system, Collection<UUID> events)
      throws SQLException {
    Map<UUID, Integer> counts = new HashMap<>();
    for (Postgres server : of(system).values()) {
      for (Map.Entry<UUID, Integer> count : inboxCounts(server, "orders", events).entrySet()) {
        counts.merge(count.getKey(), count.getValue(), Integer::sum);
      }
    }
    return counts;
  }

  /** How many inbox rows {@code database} on {@code server} has for each of {@code events}. */
  static Map<UUID, Integer> inboxCounts(Postgres server, String database, Collection<UUID> events)
      throws SQLException {
    Map<UUID, Integer> counts = new HashMap<>();
    try (Connection c = server.connectAsSuperuser(database);
        PreparedStatement p =
            c.prepareStatement(
                "select event_id, count(*) from inbox where event_id = any(?) group by event_id")) {
      p.setArray(1, c.createArrayOf("uuid", events.stream().map(UUID::toString).toArray()));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          counts.put(UUID.fromString(r.getString(1)), r.getInt(2));
        }
      }
    }
    return counts;
  }

  /** Rows of {@code sql} (one parameterless query) from every database, with its name first. */
  static List<List<Object>> rows(TesseraSystem system, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    for (Map.Entry<String, Postgres> database : of(system).entrySet()) {
      try (Connection c = connect(database.getValue());
          PreparedStatement p = c.prepareStatement(sql);
          ResultSet r = p.executeQuery()) {
        int columns = r.getMetaData().getColumnCount();
        while (r.next()) {
          List<Object> row = new ArrayList<>();
          row.add(database.getKey());
          for (int i = 1; i <= columns; i++) {
            row.add(r.getObject(i));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }
}
