package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.AppProcess;
import dev.tessera.launcher.TesseraSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Processes die, tokens are revoked: the system keeps its promises. */
class ResilienceIT {

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();
  private final OrderSagaIT saga = new OrderSagaIT();

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
  void billing_killed_mid_flow_and_restarted_completes_the_order_once() {
    Session fay = gateway.signUpAndLogIn("Fay");
    AppProcess billing = system.instances("billing").get(0);
    billing.kill(); // kill -9: no shutdown hook, no offset commit
    String orderId = saga.placeOrder(fay);
    billing.start();
    billing.awaitHealthy("/q/health/ready", Duration.ofSeconds(120));

    saga.awaitStatus(fay, orderId, "CONFIRMED");
    await()
        .atMost(OrderSagaIT.SAGA)
        .until(
            () ->
                GatewayClient.items(gateway.get("/api/billing/invoices", fay.accessToken()).body())
                        .size()
                    == 1);
    // Nothing duplicated: one invoice, one order, and no second mail for the order.
    assertThat(GatewayClient.items(gateway.get("/api/orders", fay.accessToken()).body()))
        .hasSize(1);
    await().atMost(OrderSagaIT.SAGA).until(() -> saga.notificationsMentioning(fay, orderId) == 1);
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
  void every_order_of_a_burst_confirms_though_kafka_connect_restarts_in_the_middle() {
    Session hal = gateway.signUpAndLogIn("Hal");
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      orders.add(saga.placeOrder(hal));
    }
    system.servers().connect().stop();
    try {
      for (int i = 0; i < 10; i++) {
        orders.add(saga.placeOrder(hal));
      }
    } finally {
      system.servers().connect().start();
    }
    for (int i = 0; i < 10; i++) {
      orders.add(saga.placeOrder(hal));
    }
    for (String orderId : orders) {
      saga.awaitStatus(hal, orderId, "CONFIRMED");
    }
    assertThat(
            GatewayClient.items(
                gateway.get("/api/billing/invoices?limit=100", hal.accessToken()).body()))
        .hasSize(orders.size());
  }
}
