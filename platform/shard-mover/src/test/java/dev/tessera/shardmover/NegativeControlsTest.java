package dev.tessera.shardmover;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The mover's negative controls ({@link Options.Unsafe}) each break an invariant that {@link
 * ShardMoverTest} checks, and these checks see it: proof that they would catch a mover that broke
 * it by mistake.
 */
class NegativeControlsTest {

  @Test
  void without_the_fence_a_write_in_flight_on_the_source_is_acknowledged_and_then_lost()
      throws Exception {
    int first = 2048;
    int last = 2303;
    Database source = TestDatabases.create(TestDatabases.first(), "nofence", "nofence", null);
    Database target = TestDatabases.create(TestDatabases.second(), "nofence", "nofence2", "");
    UUID user = OrdersRows.users(1, s -> s >= first && s <= last).get(0);
    try (Connection c = source.connect()) {
      OrdersRows.seedUser(c, user);
    }
    MoveReport report;
    try (HeldWrite held = new HeldWrite(source, user)) {
      MoveListener listener =
          new MoveListener() {
            @Override
            public void finished(Phase phase, Duration took, String detail) {
              if (phase == Phase.VERIFIED_BEFORE_FENCE) {
                // It passes the fence's lease check while the source still owns the shard.
                held.open();
              }
              if (phase == Phase.UNSUBSCRIBED) {
                // Nothing waited for it: it commits after the copy has stopped.
                held.commit();
              }
            }
          };
      report =
          new ShardMover(
                  quick().unsafe(Options.Unsafe.SKIP_WRITE_FENCE).withoutOutboxConnector(),
                  listener)
              .move(List.of(source, target), first, last, "nofence2");
      try (Connection s = source.connect();
          Connection t = target.connect()) {
        assertThat(OrdersRows.orderState(s, held.orderId)).isNull();
        assertThat(OrdersRows.orderState(t, held.orderId))
            .as("an acknowledged order is in neither database")
            .isNull();
      }
    }
    assertThat(report.unsafe()).containsExactly(Options.Unsafe.SKIP_WRITE_FENCE);
    assertThat(report.took(Phase.REPLICATED_PAST_CUTOVER)).isNull();
  }

  @Test
  void without_the_fence_a_write_in_flight_can_stay_on_a_database_that_no_longer_owns_its_shard()
      throws Exception {
    int first = 2304;
    int last = 2559;
    Database source = TestDatabases.create(TestDatabases.first(), "nofencec", "nofencec", null);
    Database target = TestDatabases.create(TestDatabases.second(), "nofencec", "nofencec2", "");
    UUID user = OrdersRows.users(1, s -> s >= first && s <= last).get(0);
    try (Connection c = source.connect()) {
      OrdersRows.seedUser(c, user);
    }
    try (HeldWrite held = new HeldWrite(source, user)) {
      MoveListener listener =
          new MoveListener() {
            @Override
            public void finished(Phase phase, Duration took, String detail) {
              if (phase == Phase.VERIFIED_BEFORE_FENCE) {
                held.open();
              }
              if (phase == Phase.SOURCE_DELETED) {
                // After the source's copy of the range was deleted (and before the replica
                // identity is restored, which would wait for it).
                held.commit();
              }
            }
          };
      new ShardMover(
              quick().unsafe(Options.Unsafe.SKIP_WRITE_FENCE).withoutOutboxConnector(), listener)
          .move(List.of(source, target), first, last, "nofencec2");
      try (Connection s = source.connect()) {
        assertThat(OrdersRows.orderState(s, held.orderId)).isEqualTo("PENDING_PAYMENT/0");
        assertThat(OrdersRows.rowsOfShardsNotOwned(s))
            .as("rows of a shard the source no longer owns")
            .containsKeys("orders", "idempotency_key", "inbox");
      }
    }
  }

  @Test
  void publishing_the_outbox_hands_the_sources_events_to_the_target_to_publish_again()
      throws Exception {
    int first = 2560;
    int last = 2815;
    Database source = TestDatabases.create(TestDatabases.first(), "outboxpub", "outboxpub", null);
    Database target = TestDatabases.create(TestDatabases.second(), "outboxpub", "outboxpub2", "");
    TestDatabases.countOutboxArrivals(target);
    UUID user = OrdersRows.users(1, s -> s >= first && s <= last).get(0);
    try (Connection c = source.connect()) {
      OrdersRows.seedUser(c, user);
    }
    MoveListener listener =
        new MoveListener() {
          @Override
          public void finished(Phase phase, Duration took, String detail) {
            if (phase == Phase.COPIED) {
              assertThat(ShardMoverTest.publishedTables(source)).contains("outbox");
              // The service places an order: its event goes through the source's outbox.
              try (Connection c = source.connect()) {
                c.setAutoCommit(false);
                OrdersRows.insertOrder(c, UUID.randomUUID(), user);
                c.commit();
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
            }
          }
        };
    MoveReport report =
        new ShardMover(
                quick().unsafe(Options.Unsafe.PUBLISH_OUTBOX).withoutOutboxConnector(), listener)
            .move(List.of(source, target), first, last, "outboxpub2");

    assertThat(report.publishedTables()).contains("outbox");
    try (Connection t = target.connect()) {
      assertThat(OrdersRows.count(t, "select count(*) from outbox_arrivals"))
          .as("outbox inserts the target's connector would publish a second time")
          .isPositive();
    }
  }

  static Options quick() {
    return Options.defaults()
        .withLockTimeout(Duration.ofSeconds(5))
        .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(30));
  }
}
