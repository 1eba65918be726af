package dev.tessera.shardmover;

import static org.awaitility.Awaitility.await;

import dev.tessera.sharding.Shards;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A writer of orders like the service's: plain JDBC in READ COMMITTED, each write sent to the
 * database whose lease owns the user's shard, and a write refused with TS001 (the fence) sent again
 * to whichever database owns the shard then. It remembers the final state of every write that
 * committed, so a test can find each one afterwards.
 */
final class Writer implements Runnable {

  private static final String[] STATUSES = {"PENDING_PAYMENT", "CONFIRMED", "CANCELLED"};

  private final List<Database> databases;
  private final List<UUID> users;
  private final Random random = new Random(7406);
  private final Map<String, Connection> connections = new HashMap<>();
  private final Map<Integer, Database> owners = new HashMap<>();
  private final Map<UUID, List<UUID>> ordersOfUser = new HashMap<>();

  /** Every committed order's final state, {@code STATUS/version}. */
  final Map<UUID, String> acknowledged = new ConcurrentHashMap<>();

  /** Every user projection's final status. */
  final Map<UUID, String> userStatus = new ConcurrentHashMap<>();

  final AtomicLong commits = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stop;

  Writer(List<Database> databases, List<UUID> users) {
    this.databases = databases;
    this.users = users;
  }

  void stop() {
    stop = true;
  }

  @Override
  public void run() {
    try {
      while (!stop) {
        write();
      }
    } catch (Throwable e) {
      problems.add("writer stopped: " + e);
    } finally {
      connections.values().forEach(Writer::closeQuietly);
    }
  }

  private void write() throws SQLException {
    UUID user = users.get(random.nextInt(users.size()));
    int shard = Shards.ofUser(user);
    List<UUID> mine = ordersOfUser.computeIfAbsent(user, u -> new ArrayList<>());
    int op = random.nextInt(10);
    while (!stop) {
      Database owner = owner(shard);
      Connection c = connection(owner);
      c.setAutoCommit(false);
      try {
        if (op < 5 || mine.isEmpty()) {
          UUID order = UUID.randomUUID();
          OrdersRows.insertOrder(c, order, user);
          c.commit();
          acknowledged.put(order, "PENDING_PAYMENT/0");
          mine.add(order);
        } else if (op < 9) {
          UUID order = mine.get(random.nextInt(mine.size()));
          String status = STATUSES[random.nextInt(STATUSES.length)];
          try (PreparedStatement p =
              c.prepareStatement(
                  "update orders set status = ?, version = version + 1, updated_at = now()"
                      + " where id = ? returning version")) {
            p.setString(1, status);
            p.setObject(2, order);
            try (ResultSet r = p.executeQuery()) {
              if (!r.next()) {
                c.rollback();
                if (stillOwns(c, shard)) {
                  problems.add("order " + order + " is not in " + owner.name() + ", its owner");
                  return;
                }
                // The fence refuses writes to rows of a moved shard, but a row the move already
                // deleted is not there to refuse: the update finds nothing. Ask the leases again.
                refused.incrementAndGet();
                owners.remove(shard);
                continue;
              }
              long version = r.getLong(1);
              c.commit();
              acknowledged.put(order, status + "/" + version);
            }
          }
        } else {
          String status = random.nextBoolean() ? "ACTIVE" : "SUSPENDED";
          try (PreparedStatement p =
              c.prepareStatement(
                  "update user_projection set status = ?, updated_at = now() where id = ?")) {
            p.setString(1, status);
            p.setObject(2, user);
            if (p.executeUpdate() != 1) {
              c.rollback();
              if (stillOwns(c, shard)) {
                problems.add("user " + user + " is not in " + owner.name() + ", its owner");
                return;
              }
              refused.incrementAndGet();
              owners.remove(shard);
              continue;
            }
            c.commit();
            userStatus.put(user, status);
          }
        }
        commits.incrementAndGet();
        return;
      } catch (SQLException e) {
        c.rollback();
        if (!"TS001".equals(e.getSQLState())) {
          throw e;
        }
        // The shard moved (or is moving): ask the leases again, as ShardRouter will.
        refused.incrementAndGet();
        owners.remove(shard);
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private static boolean stillOwns(Connection c, int shard) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("select state = 'OWNED' from shard_lease where shard = ?")) {
      p.setInt(1, shard);
      try (ResultSet r = p.executeQuery()) {
        return r.next() && r.getBoolean(1);
      }
    }
  }

  private Database owner(int shard) {
    Database known = owners.get(shard);
    if (known != null) {
      return known;
    }
    Database owner =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> findOwner(shard), Objects::nonNull);
    owners.put(shard, owner);
    return owner;
  }

  private Database findOwner(int shard) throws SQLException {
    for (Database database : databases) {
      try (PreparedStatement p =
          connection(database).prepareStatement("select state from shard_lease where shard = ?")) {
        p.setInt(1, shard);
        try (ResultSet r = p.executeQuery()) {
          if (r.next() && r.getString(1).equals("OWNED")) {
            return database;
          }
        }
      }
    }
    return null;
  }

  private Connection connection(Database database) throws SQLException {
    Connection c = connections.get(database.name());
    if (c == null) {
      c = database.connect();
      connections.put(database.name(), c);
    }
    return c;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // The test is over.
    }
  }
}
