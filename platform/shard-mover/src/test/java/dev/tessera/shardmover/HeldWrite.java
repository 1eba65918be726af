package dev.tessera.shardmover;

import dev.tessera.sharding.Shards;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A write in flight: an order inserted on a database and not committed yet, so it holds its shard's
 * shared fence lock and has passed the lease check, until {@link #commit}.
 */
final class HeldWrite implements AutoCloseable {

  final UUID user;
  final UUID orderId = UUID.randomUUID();
  final int shard;
  private final Database database;
  private Connection connection;

  HeldWrite(Database database, UUID user) {
    this.database = database;
    this.user = user;
    this.shard = Shards.ofUser(user);
  }

  /** Inserts the order and leaves its transaction open. */
  void open() {
    try {
      connection = database.connect();
      connection.setAutoCommit(false);
      OrdersRows.insertOrder(connection, orderId, user);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Commits it: from here it is acknowledged. */
  void commit() {
    try {
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }
}
