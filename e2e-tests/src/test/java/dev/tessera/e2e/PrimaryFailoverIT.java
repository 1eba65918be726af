package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventTypes;
import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.e2e.TopicEvents.Event;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL primary is killed with SIGKILL under a steady order flow and the system fails over
 * to its streaming standby ({@link TesseraSystem#failover()}): the flow goes on, every accepted
 * order becomes terminal, and every change is on its topic exactly once as an event (no gap) and
 * applied exactly once by its consumers, though Debezium may deliver some twice.
 *
 * <p>Runs on the shared system, after every other test of this JVM (the class orderer of {@code
 * junit-platform.properties} and {@link Order}): after a failover the system has no standby, which
 * the others expect. Its checks look only at the orders of its own flow's users.
 */
@Order(Integer.MAX_VALUE)
class PrimaryFailoverIT {

  private static final String ORDERS_TOPIC = new OutboxConnector("orders").topicFor("order");
  private static final String PAYMENTS_TOPIC = new OutboxConnector("billing").topicFor("payment");

  private static TesseraSystem system;
  private static GatewayClient gateway;

  @BeforeAll
  static void theSharedSystem() {
    system = WholeSystem.get();
    gateway = WholeSystem.gateway();
  }

  @Test
  void no_accepted_order_and_no_event_is_lost_when_the_primary_is_killed_and_the_standby_promoted()
      throws Exception {
    // Acknowledged commits wait for the standby (synchronous replication): otherwise an order
    // answered 201 in the last milliseconds before the kill may never have reached the standby.
    synchronousStandby(true);
    SagaInvariants invariants = SagaInvariants.watchDeadLetters(system);
    SteadyOrderFlow flow = SteadyOrderFlow.start(gateway);
    try {
      flow.awaitAccepted(10, Duration.ofSeconds(60));
      awaitOutboxSlotsSynchronizedOnTheStandby();

      flow.phase("primary killed");
      Instant killed = Instant.now();
      system.servers().postgres().kill();
      // What clients see before anyone acts: writes 503, reads from the standby.
      flow.keepRunningFor(Duration.ofSeconds(5));
      int readStatus = gateway.get("/api/orders", flow.users().get(0).accessToken()).status();

      flow.phase("failing over");
      Duration failover = system.failover();

      flow.phase("failed over");
      flow.awaitAccepted(10, Duration.ofSeconds(120));
      flow.close();
      Instant back =
          flow.firstAcceptedIn("failing over")
              .orElseGet(() -> flow.firstAcceptedIn("failed over").orElseThrow());

      invariants.assertHold(flow, "the primary was killed -9 and the standby promoted");
      flow.assertOnlyAcceptedOrUnavailable();
      EventCounts events = assertEveryChangeIsOnItsTopicOnceAndAppliedOnce(flow);
      System.out.printf(
          "[PrimaryFailoverIT] read while the primary was down: %d; failover (promote, slots,"
              + " connectors, service restarts) %.1f s; no order accepted for %.1f s (kill to"
              + " first 201); %s; %s%n",
          readStatus,
          failover.toMillis() / 1000.0,
          Duration.between(killed, back).toMillis() / 1000.0,
          events,
          flow);
    } finally {
      flow.close();
    }
  }

  /** {@code synchronous_standby_names} on the primary: commits wait for the standby's flush. */
  private static void synchronousStandby(boolean on) throws SQLException {
    try (Connection c = system.servers().postgres().connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute(
          "alter system set synchronous_standby_names = '"
              + (on ? LocalPostgres.STANDBY_SLOT : "")
              + "'");
      s.execute("select pg_reload_conf()");
    }
  }

  /**
   * The precondition of a lossless failover: the standby has a synchronized copy of every outbox
   * slot. Until Debezium has moved a new slot past the standby's own {@code hot_standby_feedback}
   * horizon the copy is only temporary (the standby logs {@code could not synchronize replication
   * slot}) and promotion drops it: a failover in the first seconds after the slots were made finds
   * none, and {@link TesseraSystem#failover()} refuses to go on (the first run of this test, which
   * checked {@code synced} without {@code not temporary}, showed it).
   */
  private static void awaitOutboxSlotsSynchronizedOnTheStandby() {
    LocalPostgres standby = system.servers().standby().orElseThrow();
    Set<String> slots =
        EventTypes.publishers().stream()
            .map(service -> new OutboxConnector(service).slotName())
            .collect(Collectors.toSet());
    await()
        .alias("the standby has a synchronized copy of the outbox slots " + slots)
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Set<String> synced = new HashSet<>();
              try (Connection c = standby.connectAsSuperuser("postgres");
                  Statement s = c.createStatement();
                  ResultSet r =
                      s.executeQuery(
                          "select slot_name from pg_replication_slots where synced and failover and"
                              + " not temporary and invalidation_reason is null")) {
                while (r.next()) {
                  synced.add(r.getString(1));
                }
              }
              assertThat(synced).containsAll(slots);
            });
  }

  /** Records delivered on the topics, and how many were a second delivery of an event. */
  record EventCounts(int delivered, int distinct) {
    @Override
    public String toString() {
      return "events on the order and payment topics: "
          + distinct
          + " distinct, "
          + delivered
          + " delivered ("
          + (delivered - distinct)
          + " delivered twice, dropped by the consumers' inbox), 0 lost";
    }
  }

  /**
   * No gap: every order of the flow has exactly one {@code OrderPlaced} and one terminal event
   * (matching its status) on the orders topic, and every {@code CONFIRMED} order one {@code
   * PaymentSucceeded}. No duplicate applied: every distinct event is in its consumer's inbox once
   * (billing applies {@code OrderPlaced}, orders the payment outcomes), however often it was
   * delivered.
   */
  private EventCounts assertEveryChangeIsOnItsTopicOnceAndAppliedOnce(SteadyOrderFlow flow)
      throws SQLException {
    Map<String, String> statuses = orderStatuses(flow.users());
    List<Event> records =
        TopicEvents.readAll(
            system.servers().kafka().bootstrapServers(), List.of(ORDERS_TOPIC, PAYMENTS_TOPIC));
    Map<UUID, Event> distinct = new HashMap<>();
    records.forEach(e -> distinct.putIfAbsent(e.id(), e));

    Map<String, Map<String, Integer>> byOrder = new TreeMap<>();
    for (Event event : distinct.values()) {
      String order = event.order();
      if (statuses.containsKey(order)) {
        byOrder.computeIfAbsent(order, o -> new TreeMap<>()).merge(event.type(), 1, Integer::sum);
      }
    }
    List<String> broken = new ArrayList<>();
    statuses.forEach(
        (order, status) -> {
          Map<String, Integer> types = byOrder.getOrDefault(order, Map.of());
          String terminal = "CONFIRMED".equals(status) ? "OrderConfirmed" : "OrderCancelled";
          boolean ok =
              types.getOrDefault("OrderPlaced", 0) == 1
                  && types.getOrDefault(terminal, 0) == 1
                  && types.getOrDefault("OrderConfirmed", 0)
                          + types.getOrDefault("OrderCancelled", 0)
                      == 1
                  && types.getOrDefault("PaymentSucceeded", 0) <= 1
                  && (!"CONFIRMED".equals(status)
                      || types.getOrDefault("PaymentSucceeded", 0) == 1);
          if (!ok) {
            broken.add(order + " " + status + ": " + types);
          }
        });
    assertThat(broken).as("orders whose events are missing or doubled on the topics").isEmpty();

    Set<UUID> orderEvents = idsOf(distinct, "Order", statuses);
    Set<UUID> paymentEvents = idsOf(distinct, "Payment", statuses);
    Set<UUID> placed = ofType(distinct, orderEvents, Set.of("OrderPlaced"));
    assertThat(OrdersDatabases.inboxCounts(system.servers().postgres(), "billing", placed))
        .as("billing applied every OrderPlaced once")
        .hasSize(placed.size())
        .allSatisfy((id, count) -> assertThat(count).isOne());
    Set<UUID> outcomes =
        ofType(distinct, paymentEvents, Set.of("PaymentSucceeded", "PaymentFailed"));
    assertThat(OrdersDatabases.inboxCounts(system, outcomes))
        .as("orders applied every payment outcome once")
        .hasSize(outcomes.size())
        .allSatisfy((id, count) -> assertThat(count).isOne());
    int delivered =
        (int)
            records.stream()
                .filter(e -> orderEvents.contains(e.id()) || paymentEvents.contains(e.id()))
                .count();
    return new EventCounts(delivered, orderEvents.size() + paymentEvents.size());
  }

  private static Set<UUID> idsOf(
      Map<UUID, Event> distinct, String typePrefix, Map<String, String> statuses) {
    return distinct.values().stream()
        .filter(e -> e.type().startsWith(typePrefix))
        .filter(e -> statuses.containsKey(e.order()))
        .map(Event::id)
        .collect(Collectors.toSet());
  }

  private static Set<UUID> ofType(Map<UUID, Event> distinct, Set<UUID> ids, Set<String> types) {
    return ids.stream()
        .filter(id -> types.contains(distinct.get(id).type()))
        .collect(Collectors.toSet());
  }

  private static Map<String, String> orderStatuses(List<Session> users) throws SQLException {
    return OrdersDatabases.orderStatuses(system, users.stream().map(Session::userId).toList());
  }
}
