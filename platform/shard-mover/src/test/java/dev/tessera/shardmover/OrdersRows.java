package dev.tessera.shardmover;

import dev.tessera.sharding.Shards;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;

/** Rows of the five sharded tables, written with plain JDBC as the services write them. */
final class OrdersRows {

  private OrdersRows() {}

  /** {@code count} random users whose shard passes {@code shards}. */
  static List<UUID> users(int count, IntPredicate shards) {
    List<UUID> users = new ArrayList<>();
    while (users.size() < count) {
      UUID user = UUID.randomUUID();
      if (shards.test(Shards.ofUser(user))) {
        users.add(user);
      }
    }
    return users;
  }

  /** A user's projection, one order with its key, an inbox row and a parked event; commits. */
  static void seedUser(Connection c, UUID user) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement p =
          c.prepareStatement(
              "insert into user_projection (id, status, updated_at) values (?, 'ACTIVE', now())")) {
        p.setObject(1, user);
        p.executeUpdate();
      }
      insertOrder(c, UUID.randomUUID(), user);
      try (PreparedStatement p =
          c.prepareStatement(
              "insert into parked_event (consumer, topic, kafka_partition, kafka_offset,"
                  + " record_key, event_id, event_type, payload, reason, shard)"
                  + " values ('orders-test', 'identity.user.events', 0, ?, ?, ?, 'UserUpdated',"
                  + " '{}', 'a later release knows it', ?)")) {
        p.setLong(1, System.nanoTime());
        p.setString(2, user.toString());
        p.setString(3, UUID.randomUUID().toString());
        p.setInt(4, Shards.ofUser(user));
        p.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** {@code perUser} orders with their keys for each of {@code users}, in one statement each. */
  static void bulkOrders(Connection c, List<UUID> users, int perUser) throws SQLException {
    try (PreparedStatement orders =
            c.prepareStatement(
                "insert into orders (id, user_id, status, lines, total_amount, currency,"
                    + " created_at, updated_at) select gen_random_uuid(), ?, 'CONFIRMED', '[]',"
                    + " 2490, 'EUR', now(), now() from generate_series(1, ?)");
        PreparedStatement keys =
            c.prepareStatement(
                "insert into idempotency_key (user_id, idempotency_key, request_hash, order_id,"
                    + " response_status, response_body, created_at)"
                    + " select user_id, id::text, repeat('1', 64), id, 201, '{}', now()"
                    + " from orders where user_id = ? and status = 'CONFIRMED'")) {
      for (UUID user : users) {
        orders.setObject(1, user);
        orders.setInt(2, perUser);
        orders.executeUpdate();
        keys.setObject(1, user);
        keys.executeUpdate();
      }
    }
  }

  /**
   * An order of {@code user} as orders writes one: the order, its Idempotency-Key, the inbox row of
   * the request's event and the OrderPlaced event in the outbox (deleted at once here; orders'
   * sweep deletes it seconds later). Does not commit.
   */
  static void insertOrder(Connection c, UUID orderId, UUID user) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "insert into orders (id, user_id, status, lines, total_amount, currency, created_at,"
                + " updated_at) values (?, ?, 'PENDING_PAYMENT', '[]', 1290, 'EUR', now(),"
                + " now())")) {
      p.setObject(1, orderId);
      p.setObject(2, user);
      p.executeUpdate();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "insert into idempotency_key (user_id, idempotency_key, request_hash, order_id,"
                + " response_status, response_body, created_at)"
                + " values (?, ?, repeat('0', 64), ?, 201, '{}', now())")) {
      p.setObject(1, user);
      p.setString(2, orderId.toString());
      p.setObject(3, orderId);
      p.executeUpdate();
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "insert into inbox (consumer, event_id, event_type, shard)"
                + " values ('orders-test', ?, 'UserRegistered', ?)")) {
      p.setObject(1, UUID.randomUUID());
      p.setInt(2, Shards.ofUser(user));
      p.executeUpdate();
    }
    UUID eventId = UUID.randomUUID();
    try (PreparedStatement p =
        c.prepareStatement(
            "insert into outbox (id, aggregatetype, aggregateid, type, payload)"
                + " values (?, 'order', ?, 'OrderPlaced', '{}'::jsonb)")) {
      p.setObject(1, eventId);
      p.setString(2, orderId.toString());
      p.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement("delete from outbox where id = ?")) {
      p.setObject(1, eventId);
      p.executeUpdate();
    }
  }

  /** An order's status and version on {@code c}, or null when it is not there. */
  static String orderState(Connection c, UUID orderId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("select status || '/' || version from orders where id = ?")) {
      p.setObject(1, orderId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  /** The state of each shard's lease on {@code c}. */
  static Map<Integer, String> leases(Connection c) throws SQLException {
    Map<Integer, String> leases = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select shard, state from shard_lease")) {
      while (r.next()) {
        leases.put(r.getInt(1), r.getString(2));
      }
    }
    return leases;
  }

  /** Per table, the rows on {@code c} of shards it does not own. */
  static Map<String, Long> rowsOfShardsNotOwned(Connection c) throws SQLException {
    Map<String, Long> rows = new HashMap<>();
    for (String table : ShardMover.TABLES) {
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select count(*) from "
                      + table
                      + " t where t.shard is not null and not exists (select 1 from shard_lease l"
                      + " where l.shard = t.shard and l.state = 'OWNED')")) {
        r.next();
        if (r.getLong(1) > 0) {
          rows.put(table, r.getLong(1));
        }
      }
    }
    return rows;
  }

  /** Rows of shards {@code first} to {@code last} in {@code table} on {@code c}. */
  static long rowsInRange(Connection c, String table, int first, int last) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select count(*) from "
                    + table
                    + " where shard between "
                    + first
                    + " and "
                    + last)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The value of the single-column, single-row query {@code sql} on {@code c}. */
  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
