package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.e2e.TopicEvents.Event;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.Credentials;
import dev.tessera.servers.Postgres;
import dev.tessera.sharding.Shards;
import dev.tessera.shardmover.Database;
import dev.tessera.shardmover.MoveListener;
import dev.tessera.shardmover.MoveReport;
import dev.tessera.shardmover.Options;
import dev.tessera.shardmover.Phase;
import dev.tessera.shardmover.ShardMover;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A range of orders' shards moves from its database to the other one and back while orders flow
 * through the gateway ({@link WholeSystem} runs orders on two databases): nothing acknowledged is
 * lost or doubled, every shard keeps exactly one owner, every event reaches its topic once with
 * each order's {@code OrderPlaced} first. How long writes to the range waited is printed, not
 * asserted (a timing on a shared machine): docs/sharding.md has the figures. The range is the 256
 * shards around the first user of the flow, so the move always meets its orders. The mover's
 * negative controls (no fence; the outbox published) break these invariants in
 * platform/shard-mover's NegativeControlsTest, on the same checks of rows, owners and outbox.
 */
class OnlineMoveIT {

  private static final int BLOCK = 256;

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void a_shard_range_moves_there_and_back_under_load_losing_nothing_and_publishing_each_event_once()
      throws Exception {
    SagaInvariants invariants = SagaInvariants.watchDeadLetters(system);
    List<MoveReport> moves = new ArrayList<>();
    SteadyOrderFlow flow = SteadyOrderFlow.start(gateway, SteadyOrderFlow.WARM_UP);
    try (flow) {
      flow.warmUp(5, Duration.ofMinutes(2));
      int shard = Shards.ofUser(flow.users().get(0).userId());
      int first = shard / BLOCK * BLOCK;
      int last = first + BLOCK - 1;
      String home = owner(shard);
      String other = home.equals("orders") ? "orders2" : "orders";

      flow.phase("moving " + first + "-" + last + " to " + other);
      moves.add(move(first, last, other));
      flow.phase("after the move");
      flow.keepRunningFor(Duration.ofSeconds(10));
      flow.phase("moving " + first + "-" + last + " back to " + home);
      moves.add(move(first, last, home));
      flow.phase("after the move back");
      flow.keepRunningFor(Duration.ofSeconds(10));
    }
    for (MoveReport move : moves) {
      System.out.printf(
          "[OnlineMoveIT] %d-%d %s -> %s: writes to the range waited %d ms (%d ms for writes in"
              + " flight), %d rows moved, the move took %d ms%n",
          move.first(),
          move.last(),
          move.source(),
          move.target(),
          move.writePause().toMillis(),
          move.lockWait().toMillis(),
          move.rowsDeleted(),
          move.total().toMillis());
      assertThat(move.publishedTables()).doesNotContain("outbox");
    }

    flow.assertOnlyAcceptedOrUnavailable();
    // Every accepted order terminal wherever it is now, billing agreeing, nothing dead-lettered.
    invariants.assertHold(flow, "a shard range moved there and back");
    Map<String, String> accepted = flow.accepted();
    Map<String, List<String>> holders = new HashMap<>();
    for (List<Object> row : OrdersDatabases.rows(system, "select id from orders")) {
      String id = row.get(1).toString();
      if (accepted.containsKey(id)) {
        holders.computeIfAbsent(id, ignored -> new ArrayList<>()).add((String) row.get(0));
      }
    }
    assertThat(holders.keySet()).as("accepted orders in a database").containsAll(accepted.keySet());
    assertThat(holders.values()).as("databases holding each order").allMatch(h -> h.size() == 1);

    Map<Integer, Integer> owners = new TreeMap<>();
    for (List<Object> row :
        OrdersDatabases.rows(system, "select shard from shard_lease where state = 'OWNED'")) {
      owners.merge(((Number) row.get(1)).intValue(), 1, Integer::sum);
    }
    assertThat(owners).as("shards with an owner").hasSize(Shards.COUNT);
    assertThat(owners.values()).as("owners of each shard").allMatch(count -> count == 1);

    assertEachEventOnceAndOrderPlacedFirst(accepted);
  }

  /**
   * Every event of the flow's orders is on its topic once (the outbox of each database is published
   * by that database's connector only), and an order's first event is its {@code OrderPlaced}.
   */
  private void assertEachEventOnceAndOrderPlacedFirst(Map<String, String> accepted) {
    List<Event> events =
        TopicEvents.readAll(
            system.servers().kafka().bootstrapServers(),
            List.of(
                new OutboxConnector("orders").topicFor("order"),
                new OutboxConnector("billing").topicFor("payment")));
    Map<java.util.UUID, Integer> copies = new HashMap<>();
    Map<String, Event> firstOfOrder = new HashMap<>();
    for (Event event : events) {
      if (!accepted.containsKey(event.order())) {
        continue;
      }
      copies.merge(event.id(), 1, Integer::sum);
      if (event.type().startsWith("Order")) {
        // An order's events share its key, so one partition: offsets order them.
        firstOfOrder.merge(event.order(), event, (a, b) -> a.offset() <= b.offset() ? a : b);
      }
    }
    assertThat(copies).as("events of the flow's orders").isNotEmpty();
    assertThat(copies.entrySet())
        .as("events on their topic more than once")
        .filteredOn(copy -> copy.getValue() > 1)
        .isEmpty();
    assertThat(firstOfOrder.keySet()).containsAll(accepted.keySet());
    assertThat(firstOfOrder.values())
        .as("each order's first event")
        .allMatch(event -> event.type().equals("OrderPlaced"));
  }

  private String owner(int shard) throws Exception {
    for (List<Object> row :
        OrdersDatabases.rows(
            system, "select shard from shard_lease where state = 'OWNED' and shard = " + shard)) {
      return (String) row.get(0);
    }
    throw new AssertionError("shard " + shard + " has no owner");
  }

  /** Moves the range with the mover a real move runs (the fence, the outbox awaited). */
  private MoveReport move(int first, int last, String target) {
    Credentials owner = system.databaseOwner("orders");
    List<Database> databases = new ArrayList<>();
    for (Map.Entry<String, Postgres> server : OrdersDatabases.of(system).entrySet()) {
      databases.add(
          new Database(
              server.getKey(),
              server.getValue().jdbcUrl("orders"),
              owner.username(),
              owner.password()));
    }
    MoveListener printing =
        new MoveListener() {
          @Override
          public void finished(Phase phase, Duration took, String detail) {
            System.out.printf("[OnlineMoveIT] %-24s %6d ms  %s%n", phase, took.toMillis(), detail);
          }
        };
    return new ShardMover(Options.defaults(), printing).move(databases, first, last, target);
  }
}
