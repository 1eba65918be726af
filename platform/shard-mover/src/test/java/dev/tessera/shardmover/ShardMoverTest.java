package dev.tessera.shardmover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.sharding.Shards;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A move of a range of shards between two real PostgreSQL servers while a writer keeps writing to
 * users in and out of the range: nothing acknowledged is lost or left twice, every shard keeps
 * exactly one owner, and the outbox stays with the database that wrote it.
 */
class ShardMoverTest {

  private static final int FIRST = 1024;
  private static final int LAST = 1535;

  @Test
  void a_range_moves_online_while_writes_go_on_and_every_acknowledged_write_is_found_once()
      throws Exception {
    Database source = TestDatabases.create(TestDatabases.first(), "orders", "orders", null);
    Database target = TestDatabases.create(TestDatabases.second(), "orders", "orders2", "");
    TestDatabases.countOutboxArrivals(target);
    List<UUID> inRange = OrdersRows.users(30, s -> s >= FIRST && s <= LAST);
    List<UUID> outside = OrdersRows.users(30, s -> s < FIRST || s > LAST);
    List<UUID> everyone = new ArrayList<>(inRange);
    everyone.addAll(outside);
    try (Connection c = source.connect()) {
      for (UUID user : everyone) {
        OrdersRows.seedUser(c, user);
      }
      // Enough rows for the copy to take a moment while the writer goes on (the seeded CONFIRMED
      // orders are never written again, so their state is what was seeded).
      OrdersRows.bulkOrders(c, everyone, 200);
    }
    List<Phase> seen = new ArrayList<>();
    Map<Phase, List<String>> publicationTables = new HashMap<>();
    MoveReport report;
    UUID heldOrder;
    Writer writer = new Writer(List.of(source, target), everyone);
    Thread writing = new Thread(writer, "orders-writer");
    try (FakeOutboxConnector connector =
            new FakeOutboxConnector(source, "tessera_orders_outbox").running(true);
        HeldWrite held = new HeldWrite(source, inRange.get(0))) {
      writing.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> writer.commits.get() >= 100);
      MoveListener listener =
          new MoveListener() {
            @Override
            public void finished(Phase phase, Duration took, String detail) {
              seen.add(phase);
              if (phase == Phase.SUBSCRIBED) {
                publicationTables.put(phase, publishedTables(source));
              }
              if (phase == Phase.VERIFIED_BEFORE_FENCE) {
                held.open();
              }
            }
          };
      ShardMover mover =
          new ShardMover(
              Options.defaults()
                  .withOutboxSlot("tessera_orders_outbox")
                  .withLockTimeout(Duration.ofSeconds(10))
                  .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(30)),
              listener);
      CompletableFuture<MoveReport> move =
          CompletableFuture.supplyAsync(
              () -> mover.move(List.of(source, target), FIRST, LAST, "orders2"));
      // The fence waits for the write in flight on its shard, which then commits on the source.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> move.isDone() || fenceWaitsFor(source, held.shard));
      assertThat(move).isNotDone();
      held.commit();
      heldOrder = held.orderId;
      writer.acknowledged.put(held.orderId, "PENDING_PAYMENT/0");
      report = move.get(90, TimeUnit.SECONDS);
      long afterMove = writer.commits.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> writer.commits.get() >= afterMove + 100);
    } finally {
      writer.stop();
      writing.join(30_000);
    }
    System.out.println(report.summary());
    System.out.printf(
        "writer: %d commits, %d refused by the fence and sent again, %d orders%n",
        writer.commits.get(), writer.refused.get(), writer.acknowledged.size());

    assertThat(writer.problems).isEmpty();
    assertThat(report.source()).isEqualTo("orders");
    assertThat(report.target()).isEqualTo("orders2");
    assertThat(seen)
        .containsSubsequence(
            Phase.RECEIVING,
            Phase.PUBLISHED,
            Phase.SUBSCRIBED,
            Phase.COPIED,
            Phase.CAUGHT_UP,
            Phase.FENCED,
            Phase.REPLICATED_PAST_CUTOVER,
            Phase.OUTBOX_PAST_CUTOVER,
            Phase.VERIFIED_AFTER_FENCE,
            Phase.OWNED,
            Phase.UNSUBSCRIBED,
            Phase.SOURCE_DELETED,
            Phase.UNPUBLISHED,
            Phase.DONE);
    assertThat(report.writePause()).isPositive().isGreaterThanOrEqualTo(report.lockWait());
    assertThat(report.verified().get("orders").rows()).isGreaterThan(30);

    try (Connection s = source.connect();
        Connection t = target.connect()) {
      // Every acknowledged write is in exactly one database, the owner of its shard, as last
      // written.
      Map<Integer, String> sourceLeases = OrdersRows.leases(s);
      Map<Integer, String> targetLeases = OrdersRows.leases(t);
      List<String> wrong = new ArrayList<>();
      for (var order : writer.acknowledged.entrySet()) {
        String onSource = OrdersRows.orderState(s, order.getKey());
        String onTarget = OrdersRows.orderState(t, order.getKey());
        if ((onSource == null) == (onTarget == null)) {
          wrong.add(order.getKey() + " on source " + onSource + ", on target " + onTarget);
        } else if (!order.getValue().equals(onSource == null ? onTarget : onSource)) {
          wrong.add(order.getKey() + " is " + onSource + "/" + onTarget + ", not " + order);
        }
      }
      assertThat(wrong).as("acknowledged orders not found once, as written").isEmpty();
      assertThat(OrdersRows.orderState(t, heldOrder))
          .as("the write the fence waited for reached the target")
          .isEqualTo("PENDING_PAYMENT/0");
      for (var user : writer.userStatus.entrySet()) {
        Connection owner = inRangeOf(user.getKey()) ? t : s;
        assertThat(
                OrdersRows.count(
                    owner,
                    "select count(*) from user_projection where id = '"
                        + user.getKey()
                        + "' and status = '"
                        + user.getValue()
                        + "'"))
            .isEqualTo(1);
      }

      // Each shard has exactly one owner.
      for (int shard = 0; shard < Shards.COUNT; shard++) {
        int owners =
            ("OWNED".equals(sourceLeases.get(shard)) ? 1 : 0)
                + ("OWNED".equals(targetLeases.get(shard)) ? 1 : 0);
        assertThat(owners).as("owners of shard " + shard).isEqualTo(1);
        boolean moved = shard >= FIRST && shard <= LAST;
        assertThat(targetLeases.get(shard)).isEqualTo(moved ? "OWNED" : null);
        assertThat(sourceLeases.get(shard)).isEqualTo(moved ? "MOVED" : "OWNED");
      }

      // No database holds rows of a shard it does not own, and the range's rows all moved.
      assertThat(OrdersRows.rowsOfShardsNotOwned(s)).isEmpty();
      assertThat(OrdersRows.rowsOfShardsNotOwned(t)).isEmpty();
      for (String table : ShardMover.TABLES) {
        assertThat(OrdersRows.rowsInRange(s, table, FIRST, LAST)).as(table).isZero();
        assertThat(OrdersRows.rowsInRange(t, table, FIRST, LAST)).as(table).isPositive();
      }

      // The outbox was never published: the target's apply worker wrote nothing into it.
      assertThat(publicationTables.get(Phase.SUBSCRIBED))
          .containsExactlyInAnyOrderElementsOf(ShardMover.TABLES)
          .doesNotContain("outbox");
      assertThat(report.publishedTables()).doesNotContain("outbox");
      assertThat(OrdersRows.count(t, "select count(*) from outbox_arrivals")).isZero();

      // Nothing of the move is left: publication, subscription, slot, replica identity.
      assertThat(
              OrdersRows.count(
                  s, "select count(*) from pg_publication where pubname like 'tessera_move%'"))
          .isZero();
      assertThat(
              OrdersRows.count(
                  s,
                  "select count(*) from pg_replication_slots where slot_name like 'tessera_move%'"
                      + " and database = current_database()"))
          .isZero();
      assertThat(OrdersRows.count(t, "select count(*) from pg_subscription")).isZero();
      assertThat(
              OrdersRows.count(
                  s,
                  "select count(*) from pg_class where relname in ('orders', 'idempotency_key',"
                      + " 'user_projection', 'inbox', 'parked_event') and relreplident <> 'd'"))
          .isZero();
      // The target's leases are newer than the source's.
      assertThat(OrdersRows.count(t, "select min(epoch) from shard_lease where shard = " + FIRST))
          .isGreaterThan(
              OrdersRows.count(s, "select max(epoch) from shard_lease where shard = " + FIRST));
    }
  }

  private static boolean inRangeOf(UUID user) {
    int shard = Shards.ofUser(user);
    return shard >= FIRST && shard <= LAST;
  }

  /** Whether the fence's exclusive lock on {@code shard} waits (for a write in flight). */
  static boolean fenceWaitsFor(Database database, int shard) throws SQLException {
    try (Connection c = database.connect()) {
      return OrdersRows.count(
              c,
              "select count(*) from pg_locks where locktype = 'advisory' and not granted"
                  + " and mode = 'ExclusiveLock' and classid = "
                  + ShardMover.LOCK_SPACE
                  + " and objid = "
                  + shard
                  + " and database = (select oid from pg_database"
                  + " where datname = current_database())")
          > 0;
    }
  }

  static List<String> publishedTables(Database database) {
    List<String> tables = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement p =
            c.prepareStatement(
                "select tablename from pg_publication_tables where pubname like 'tessera_move%'");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        tables.add(r.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return tables;
  }
}
