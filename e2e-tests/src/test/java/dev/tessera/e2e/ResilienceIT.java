package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.contracts.EventTypes;
import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.servers.LocalKafkaConnect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Processes die, tokens are revoked: the system keeps its promises. */
class ResilienceIT {

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();
  private final OrderSagaIT saga = new OrderSagaIT();

  /** Client threads placing a burst of orders at once. */
  private static final int CLIENTS = 4;

  /**
   * Time for a burst to confirm after the failed part is back: a payment claimed when billing died
   * is charged again only once its lease (30 s) has passed.
   */
  private static final Duration RECOVERY = Duration.ofSeconds(90);

  private static final Pattern ORDER_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @Test
  void a_logged_out_token_is_refused_on_every_route() {
    Session eve = gateway.signUpAndLogIn("Eve");
    assertThat(gateway.get("/api/identity/users/me", eve.accessToken()).status()).isEqualTo(200);

    assertThat(gateway.delete("/api/identity/tokens/current", eve.accessToken()).status())
        .isBetween(200, 204);

    // The gateway caches "not revoked" for at most a second (tessera.gateway.revocation.*).
    for (String route :
        List.of(
            "/api/identity/users/me",
            "/api/orders",
            "/api/billing/account",
            "/api/billing/invoices",
            "/api/notifications")) {
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(
              () ->
                  assertThat(gateway.get(route, eve.accessToken()).status())
                      .as(route)
                      .isEqualTo(401));
    }
  }

  @Test
  void billing_killed_with_sigkill_mid_burst_and_restarted_completes_every_order_exactly_once() {
    Session fay = gateway.signUpAndLogIn("Fay");
    AppProcess billing = system.instances("billing").get(0);
    String sku = saga.firstSku();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<CompletableFuture<String>> firstWave = placeConcurrently(fay, sku, 12, clients, null);
      // Billing is demonstrably charging this burst once an order of it is confirmed; the kill
      // lands then, with the rest of the burst in billing's hands (consumed or not, charged or
      // not, its PaymentSucceeded relayed or not).
      AtomicReference<Map<String, String>> atKill = new AtomicReference<>(Map.of());
      await()
          .atMost(OrderSagaIT.SAGA)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  atKill
                      .updateAndGet(ignored -> saga.orderStatuses(fay))
                      .containsValue("CONFIRMED"));
      billing.kill(); // kill -9: no shutdown hook, no offset commit, leased payments left claimed
      List<String> orders = new ArrayList<>(joinAll(firstWave));
      // And a second wave while billing is dead: its OrderPlaced wait in Kafka.
      orders.addAll(joinAll(placeConcurrently(fay, sku, 6, clients, null)));
      billing.start();
      billing.awaitHealthy("/q/health/ready", Duration.ofSeconds(120));

      String context =
          "billing was killed when "
              + confirmed(atKill.get(), orders)
              + " of the "
              + atKill.get().size()
              + " orders placed so far were confirmed; 6 more were placed while it was down";
      System.out.println("[ResilienceIT] " + context);
      awaitEveryOrderConfirmed(fay, orders, context);
      awaitEveryOrderAnnounced(fay, orders);
      assertNothingLostNothingDuplicated(fay, orders, context);
    } finally {
      clients.shutdownNow();
      if (!billing.isAlive()) {
        billing.start();
        billing.awaitHealthy("/q/health/ready", Duration.ofSeconds(120));
      }
    }
  }

  @Test
  void requests_keep_succeeding_when_one_of_two_orders_instances_is_killed() {
    Session gus = gateway.signUpAndLogIn("Gus");
    AppProcess second = system.instances("orders").get(1);
    second.kill();
    try {
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        statuses.add(gateway.get("/api/orders", gus.accessToken()).status());
      }
      assertThat(statuses).containsOnly(200);
    } finally {
      second.start();
      second.awaitHealthy("/q/health/ready", Duration.ofSeconds(120));
    }
  }

  @Test
  void a_concurrent_burst_of_orders_confirms_once_each_though_kafka_connect_is_killed() {
    Session hal = gateway.signUpAndLogIn("Hal");
    LocalKafkaConnect connect = system.servers().connect();
    String sku = saga.firstSku();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    AtomicInteger placed = new AtomicInteger();
    try {
      List<CompletableFuture<String>> burst = placeConcurrently(hal, sku, 24, clients, placed);
      await()
          .atMost(OrderSagaIT.SAGA)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> placed.get() >= 8);
      int placedAtKill = placed.get();
      connect.kill(); // kill -9: the worker commits no offset and leaves its group uncleanly
      List<String> orders = joinAll(burst);
      // The rest of the burst is in the outboxes only, until a new worker takes the connectors up
      // again from the source offsets the dead one last committed (and re-sends what came after).
      connect.start(); // a new worker on the same port, once it answers /health

      String context = "Connect was killed with " + placedAtKill + " of 24 orders placed";
      System.out.println("[ResilienceIT] " + context);
      awaitEveryOrderConfirmed(hal, orders, context);
      awaitEveryOrderAnnounced(hal, orders);
      assertNothingLostNothingDuplicated(hal, orders, context);
      // Every service's connector is back, not only those the saga goes through: a task that
      // failed on restart (e.g. its replication slot still held) would show here.
      for (String service : EventTypes.publishers()) {
        connect.awaitConnectorRunning(new OutboxConnector(service).name(), Duration.ofSeconds(30));
      }
    } finally {
      clients.shutdownNow();
      connect.start(); // does nothing when it is running
    }
  }

  /**
   * Places {@code count} orders of {@code sku} from the pool's threads at once; counts each one
   * accepted in {@code placed}, when given.
   */
  private List<CompletableFuture<String>> placeConcurrently(
      Session session, String sku, int count, ExecutorService clients, AtomicInteger placed) {
    List<CompletableFuture<String>> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      orders.add(
          CompletableFuture.supplyAsync(
              () -> {
                String orderId = saga.placeOrder(session, sku);
                if (placed != null) {
                  placed.incrementAndGet();
                }
                return orderId;
              },
              clients));
    }
    return orders;
  }

  private static List<String> joinAll(List<CompletableFuture<String>> orders) {
    try {
      return orders.stream().map(CompletableFuture::join).toList();
    } catch (CompletionException e) {
      throw e.getCause() instanceof Error error ? error : new AssertionError(e.getCause());
    }
  }

  private static long confirmed(Map<String, String> statuses, List<String> orders) {
    return orders.stream().filter(id -> "CONFIRMED".equals(statuses.get(id))).count();
  }

  private void awaitEveryOrderConfirmed(Session session, List<String> orders, String context) {
    await()
        .alias("every order CONFIRMED (" + context + ")")
        .atMost(RECOVERY)
        .untilAsserted(
            () ->
                assertThat(saga.orderStatuses(session))
                    .containsAllEntriesOf(
                        orders.stream().collect(Collectors.toMap(id -> id, id -> "CONFIRMED"))));
  }

  /** Waits until every order has its in-app notification and its e-mail, the saga's last steps. */
  private void awaitEveryOrderAnnounced(Session session, List<String> orders) {
    await()
        .alias("an order-confirmed notification for every order")
        .atMost(OrderSagaIT.SAGA)
        .untilAsserted(() -> assertThat(confirmationNotifications(session)).containsAll(orders));
    await()
        .alias("a confirmation e-mail for every order")
        .atMost(OrderSagaIT.SAGA)
        .untilAsserted(
            () ->
                assertThat(saga.mailSubjectsTo(session))
                    .containsAll(
                        orders.stream().map(OrderSagaIT::confirmationMailSubject).toList()));
  }

  /**
   * One order, one invoice, one notification and one e-mail per order placed: nothing lost, nothing
   * charged, invoiced or announced twice by a redelivery after the failure.
   */
  private void assertNothingLostNothingDuplicated(
      Session session, List<String> orders, String context) {
    assertThat(orders).as("order ids").doesNotHaveDuplicates();
    assertThat(saga.orders(session))
        .as("orders (%s)", context)
        .extracting(order -> order.get("id").asText())
        .containsExactlyInAnyOrderElementsOf(orders);
    assertThat(saga.invoices(session))
        .as("invoices, one per order (%s)", context)
        .extracting(invoice -> invoice.get("orderId").asText())
        .containsExactlyInAnyOrderElementsOf(orders);
    assertThat(confirmationNotifications(session))
        .as("order-confirmed notifications, one per order (%s)", context)
        .containsExactlyInAnyOrderElementsOf(orders);
    List<String> confirmationMails =
        saga.mailSubjectsTo(session).stream()
            .filter(subject -> subject.endsWith(" is confirmed"))
            .toList();
    assertThat(confirmationMails)
        .as("confirmation e-mails, one per order (%s)", context)
        .containsExactlyInAnyOrderElementsOf(
            orders.stream().map(OrderSagaIT::confirmationMailSubject).toList());
  }

  /** The order id of each order-confirmed notification the user has, duplicates included. */
  private List<String> confirmationNotifications(Session session) {
    return saga.notifications(session).stream()
        .filter(n -> "order-confirmed".equals(n.path("type").asText()))
        .map(n -> ORDER_ID.matcher(n.path("body").asText()))
        .filter(Matcher::find)
        .map(Matcher::group)
        .toList();
  }
}
