package dev.tessera.shardmover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A move that stopped part-way is continued by running it again. */
class ShardMoveResumeTest {

  @Test
  void a_move_whose_outbox_connector_lags_gives_the_range_back_and_a_second_run_finishes_it()
      throws Exception {
    int first = 3072;
    int last = 3199;
    Database source = TestDatabases.create(TestDatabases.first(), "lagging", "lagging", null);
    Database target = TestDatabases.create(TestDatabases.second(), "lagging", "lagging2", "");
    List<UUID> users = OrdersRows.users(5, s -> s >= first && s <= last);
    try (Connection c = source.connect()) {
      for (UUID user : users) {
        OrdersRows.seedUser(c, user);
      }
    }
    try (FakeOutboxConnector connector =
        new FakeOutboxConnector(source, "tessera_lagging_outbox").running(false)) {
      // The connector confirms nothing: the cut-over cannot complete.
      Options options =
          NegativeControlsTest.quick().withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(2));
      assertThatThrownBy(
              () ->
                  new ShardMover(options, MoveListener.NONE)
                      .move(List.of(source, target), first, last, "lagging2"))
          .isInstanceOf(MoveFailedException.class)
          .hasMessageContaining("OUTBOX_PAST_CUTOVER")
          .hasMessageContaining("tessera_lagging_outbox")
          .hasMessageContaining("owns 3072-3199 again");
      try (Connection s = source.connect();
          Connection t = target.connect()) {
        assertThat(
                OrdersRows.count(
                    s,
                    "select count(*) from shard_lease where state = 'OWNED' and shard between "
                        + first
                        + " and "
                        + last))
            .as("writes go on at the source")
            .isEqualTo(last - first + 1);
        // A write while the move is paused, which the subscription still carries over.
        s.setAutoCommit(false);
        OrdersRows.insertOrder(s, UUID.randomUUID(), users.get(0));
        s.commit();
        assertThat(OrdersRows.count(t, "select count(*) from pg_subscription")).isOne();
      }

      connector.running(true);
      MoveReport report =
          new ShardMover(options, MoveListener.NONE)
              .move(List.of(source, target), first, last, "lagging2");
      assertThat(report.resumedFrom()).isEqualTo(Phase.SUBSCRIBED);
      assertThat(report.verified().get("orders").rows()).isEqualTo(users.size() + 1);
      try (Connection s = source.connect();
          Connection t = target.connect()) {
        assertThat(OrdersRows.rowsInRange(s, "orders", first, last)).isZero();
        assertThat(OrdersRows.rowsInRange(t, "orders", first, last)).isEqualTo(users.size() + 1);
        assertThat(OrdersRows.rowsOfShardsNotOwned(s)).isEmpty();
        assertThat(OrdersRows.rowsOfShardsNotOwned(t)).isEmpty();
      }
    }
  }

  @Test
  void a_move_that_stopped_right_after_its_fence_is_finished_by_a_second_run() throws Exception {
    int first = 3200;
    int last = 3327;
    Database source = TestDatabases.create(TestDatabases.first(), "crashed", "crashed", null);
    Database target = TestDatabases.create(TestDatabases.second(), "crashed", "crashed2", "");
    List<UUID> users = OrdersRows.users(5, s -> s >= first && s <= last);
    try (Connection c = source.connect()) {
      for (UUID user : users) {
        OrdersRows.seedUser(c, user);
      }
    }
    Options options = NegativeControlsTest.quick().withoutOutboxConnector();
    MoveListener crash =
        new MoveListener() {
          @Override
          public void finished(Phase phase, Duration took, String detail) {
            if (phase == Phase.FENCED) {
              throw new IllegalStateException("the mover's process died");
            }
          }
        };
    assertThatThrownBy(
            () ->
                new ShardMover(options, crash)
                    .move(List.of(source, target), first, last, "crashed2"))
        .hasMessageContaining("died");
    try (Connection s = source.connect();
        Connection t = target.connect()) {
      // Nobody owns the range now: writes to it are refused until the move is run again.
      assertThat(OrdersRows.count(s, "select count(*) from shard_lease where state = 'MOVED'"))
          .isEqualTo(last - first + 1);
      assertThat(OrdersRows.count(t, "select count(*) from shard_lease where state = 'RECEIVING'"))
          .isEqualTo(last - first + 1);
    }

    MoveReport report =
        new ShardMover(options, MoveListener.NONE)
            .move(List.of(source, target), first, last, "crashed2");
    assertThat(report.resumedFrom()).isEqualTo(Phase.FENCED);
    assertThat(report.verified().get("user_projection").rows()).isEqualTo(users.size());
    try (Connection s = source.connect();
        Connection t = target.connect()) {
      assertThat(OrdersRows.rowsInRange(s, "orders", first, last)).isZero();
      assertThat(OrdersRows.rowsInRange(t, "orders", first, last)).isEqualTo(users.size());
      assertThat(OrdersRows.count(t, "select count(*) from shard_lease where state = 'OWNED'"))
          .isEqualTo(last - first + 1);
    }
    // And a third run has nothing left to do.
    MoveReport again =
        new ShardMover(options, MoveListener.NONE)
            .move(List.of(source, target), first, last, "crashed2");
    assertThat(again.resumedFrom()).isEqualTo(Phase.DONE);
  }
}
