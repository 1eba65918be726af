package dev.tessera.launcher;

import dev.tessera.sharding.Shards;
import dev.tessera.shardmover.Database;
import dev.tessera.shardmover.ShardMoveTool;
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

  /** The sharded services: each keeps its data in a database named after it on every server. */
  static final List<String> SERVICES = List.of("orders");

  /**
   * One database of a sharded service.
   *
   * @param service the service, which names the database on its server
   * @param name the database's name in the shard map ({@code orders}, {@code orders2})
   * @param url its server, {@code postgresql://host:port}
   */
  public record ShardDatabase(String service, String name, String url) {

    /** {@code name@url}, as the run state records it. */
    @Override
    public String toString() {
      return name + "@" + url;
    }
  }

  /** Every database of each sharded service of the running {@code system}, the first first. */
  public static List<ShardDatabase> databases(TesseraSystem system) {
    List<ShardDatabase> databases = new ArrayList<>();
    for (String service : SERVICES) {
      databases.add(
          new ShardDatabase(
              service, service, "postgresql://127.0.0.1:" + system.servers().postgres().port()));
      for (TesseraSystem.ShardDatabase shard : system.shardDatabases(service)) {
        databases.add(
            new ShardDatabase(
                service, shard.name(), "postgresql://127.0.0.1:" + shard.server().port()));
      }
    }
    return databases;
  }

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
   * {@code ./tessera shards move FIRST-LAST DATABASE}: moves the range of orders' shards to {@code
   * target} with the shard mover (platform/shard-mover), as orders' own role, printing each phase;
   * the exit code.
   */
  static int move(
      List<ShardDatabase> databases,
      Secrets secrets,
      String range,
      String target,
      PrintStream out) {
    List<Database> movable =
        databases.stream()
            .map(
                database ->
                    new Database(
                        database.name(),
                        "jdbc:" + database.url() + "/" + database.service(),
                        database.service(),
                        secrets.databasePassword(database.service())))
            .toList();
    return ShardMoveTool.move(movable, range, target, out, out);
  }

  /** The databases a running {@code ./tessera up} recorded, every sharded service's. */
  static List<ShardDatabase> databases(RunState state) {
    List<ShardDatabase> databases = new ArrayList<>();
    for (String service : SERVICES) {
      String recorded = state.get("shards." + service);
      if (recorded == null) {
        // Recorded by a launcher from before sharding: the first database only.
        databases.add(new ShardDatabase(service, service, state.get("server.postgres.url")));
        continue;
      }
      for (String entry : recorded.split(",")) {
        String[] parts = entry.split("@", 2);
        databases.add(new ShardDatabase(service, parts[0], parts[1]));
      }
    }
    return databases;
  }

  /** Prints the ranges of every database in {@code databases}; 0 when each could be read. */
  public static int run(List<ShardDatabase> databases, PrintStream out) {
    int problems = 0;
    for (ShardDatabase shardDatabase : databases) {
      String url = shardDatabase.url();
      URI uri = URI.create(url);
      String database = shardDatabase.service();
      String name = shardDatabase.name();
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
        out.println(name + ": cannot read its shards (" + e.getMessage() + ")");
        problems++;
        continue;
      }
      out.printf("%s: database %s at %s:%d%n", name, database, uri.getHost(), uri.getPort());
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
