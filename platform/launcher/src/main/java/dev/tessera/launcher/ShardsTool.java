package dev.tessera.launcher;

import dev.tessera.sharding.Shards;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./tessera shards}: which logical shards of orders each database owns, by range of shards
 * in one state (docs/sharding.md), with the orders and users each range holds there — what a move
 * is planned from and checked against.
 */
public final class ShardsTool {

  /** The sharded services and the database each keeps its shards in, locally. */
  private static final List<String> DATABASES = List.of("orders");

  private static final int SHARDS = Shards.COUNT;

  /** Shards {@code from} to {@code to} in one state in one database, and what they hold there. */
  record Range(int from, int to, String state, long orders, long users) {

    int shards() {
      return to - from + 1;
    }
  }

  /** What one shard holds in one database. */
  record Held(long orders, long users) {}

  private ShardsTool() {}

  /**
   * Consecutive shards in one state merged into ranges; a shard without a lease is {@code NONE}
   * (this database does not own it), so every shard of 0 to 4095 is in exactly one range.
   */
  static List<Range> ranges(Map<Integer, String> leases, Map<Integer, Held> held) {
    List<Range> ranges = new ArrayList<>();
    int from = 0;
    String state = leases.getOrDefault(0, "NONE");
    long orders = 0;
    long users = 0;
    for (int shard = 0; shard <= SHARDS; shard++) {
      String current = shard == SHARDS ? null : leases.getOrDefault(shard, "NONE");
      if (shard == SHARDS || !current.equals(state)) {
        ranges.add(new Range(from, shard - 1, state, orders, users));
        from = shard;
        state = current;
        orders = 0;
        users = 0;
      }
      if (shard < SHARDS) {
        Held h = held.getOrDefault(shard, new Held(0, 0));
        orders += h.orders();
        users += h.users();
      }
    }
    return ranges;
  }

  /**
   * Prints the ranges of every sharded database on the PostgreSQL server at {@code url} ({@code
   * postgresql://host:port}); 0 when each could be read.
   */
  public static int run(String url, PrintStream out) {
    URI uri = URI.create(url);
    int problems = 0;
    for (String database : DATABASES) {
      Map<Integer, String> leases = new TreeMap<>();
      Map<Integer, Held> held = new TreeMap<>();
      long unsharded = 0;
      try (Connection c = SuperuserConnections.connect(url, database);
          Statement s = c.createStatement()) {
        try (ResultSet r = s.executeQuery("select shard, state from shard_lease")) {
          while (r.next()) {
            leases.put(r.getInt(1), r.getString(2));
          }
        }
        try (ResultSet r =
            s.executeQuery(
                "select shard, count(*), count(distinct user_id) from orders group by shard")) {
          while (r.next()) {
            if (r.getObject(1) == null) {
              unsharded = r.getLong(2);
            } else {
              held.put(r.getInt(1), new Held(r.getLong(2), r.getLong(3)));
            }
          }
        }
      } catch (SQLException e) {
        out.println(database + ": cannot read its shards (" + e.getMessage() + ")");
        problems++;
        continue;
      }
      out.printf("%s: database %s at %s:%d%n", database, database, uri.getHost(), uri.getPort());
      out.printf("  %-11s %-9s %7s %10s %8s%n", "shards", "state", "count", "orders", "users");
      for (Range range : ranges(leases, held)) {
        out.printf(
            "  %-11s %-9s %,7d %,10d %,8d%n",
            range.from() + "-" + range.to(),
            range.state(),
            range.shards(),
            range.orders(),
            range.users());
      }
      if (unsharded > 0) {
        out.printf("  %,d orders without a shard: run the migrations (V5 fills them)%n", unsharded);
      }
    }
    return problems == 0 ? 0 : 1;
  }
}
