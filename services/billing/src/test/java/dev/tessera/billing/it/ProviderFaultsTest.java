package dev.tessera.billing.it;

import static dev.tessera.billing.it.Billing.adminToken;
import static dev.tessera.billing.it.Billing.eventsOf;
import static dev.tessera.billing.it.Billing.order;
import static dev.tessera.billing.it.Billing.payment;
import static dev.tessera.billing.it.Billing.paymentStatus;
import static dev.tessera.billing.it.Billing.produce;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.billing.provider.ChargeRequest;
import dev.tessera.billing.provider.GuardedPaymentProvider;
import dev.tessera.billing.provider.ProviderMode;
import dev.tessera.billing.provider.SimulatedPaymentProvider;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider misbehaves; billing degrades gracefully and never charges twice. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = Billing.SERVICE))
@QuarkusTestResource(JwtKeys.class)
class ProviderFaultsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(45);

  private static TopicReader events;

  @Inject SimulatedPaymentProvider provider;
  @Inject GuardedPaymentProvider guarded;
  @Inject CircuitBreakerMaintenance breakers;

  @BeforeAll
  static void captureOutbox() {
    Billing.captureOutbox();
    events = Billing.paymentEvents();
  }

  @AfterAll
  static void closeReader() {
    events.close();
  }

  @BeforeEach
  @AfterEach
  void healthyProvider() {
    provider.mode(ProviderMode.HEALTHY);
    breakers.resetAll();
  }

  @Test
  void
      orders_placed_while_the_provider_is_down_wait_pending_and_are_each_charged_once_when_it_is_back() {
    Billing.setProviderMode("down");
    List<OrderPlaced> orders =
        IntStream.range(0, 3).mapToObj(i -> order(UUID.randomUUID())).toList();
    orders.forEach(Billing::produce);

    // Each was tried at least twice (the immediate attempt and the retry job), and stays pending.
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                orders.stream()
                    .allMatch(
                        o -> {
                          Map<String, Object> p = payment(o.orderId());
                          return p != null
                              && p.get("status").equals("PENDING")
                              && ((Number) p.get("attempts")).intValue() >= 2;
                        }));
    for (OrderPlaced o : orders) {
      assertThat(eventsOf(events, o.orderId())).isEmpty();
      assertThat(provider.executedCharges(o.orderId().toString())).isZero();
    }

    Billing.setProviderMode("healthy");
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                orders.stream()
                    .allMatch(o -> eventsOf(events, o.orderId(), "PaymentSucceeded").size() == 1));
    for (OrderPlaced o : orders) {
      assertThat(paymentStatus(o.orderId())).isEqualTo("SUCCEEDED");
      assertThat(provider.executedCharges(o.orderId().toString())).isEqualTo(1);
      assertThat(eventsOf(events, o.orderId())).hasSize(1);
    }
  }

  @Test
  void an_order_cancelled_while_its_payment_waits_for_the_provider_is_never_charged() {
    Billing.setProviderMode("down");
    OrderPlaced o = order(UUID.randomUUID());
    produce(o);
    await().atMost(DEADLINE).until(() -> "PENDING".equals(paymentStatus(o.orderId())));

    produce(Billing.cancelled(o));
    // The refused call might, for all billing knows, have charged: the payment is cancelled and
    // looked up once the provider is back; it finds no charge.
    await().atMost(DEADLINE).until(() -> "CANCELLED".equals(paymentStatus(o.orderId())));
    Billing.setProviderMode("healthy");

    // A later order of the same kind goes through, so the retry job has run meanwhile.
    OrderPlaced later = order(UUID.randomUUID());
    produce(later);
    await()
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, later.orderId(), "PaymentSucceeded").size() == 1);
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(DEADLINE)
        .until(() -> "CANCELLED".equals(paymentStatus(o.orderId())));
    assertThat(provider.executedCharges(o.orderId().toString())).isZero();
    assertThat(eventsOf(events, o.orderId())).isEmpty();
  }

  @Test
  void a_charge_whose_answer_came_too_late_is_not_charged_again_on_retry() {
    // Slow: the provider takes the money but answers after billing's timeout.
    Billing.setProviderMode("slow");
    OrderPlaced o = order(UUID.randomUUID());
    produce(o);
    await().atMost(DEADLINE).until(() -> provider.executedCharges(o.orderId().toString()) == 1);
    assertThat(paymentStatus(o.orderId())).isEqualTo("PENDING");

    Billing.setProviderMode("healthy");
    await()
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, o.orderId(), "PaymentSucceeded").size() == 1);
    // The retry used the same idempotency key: the provider returned the first charge.
    assertThat(provider.executedCharges(o.orderId().toString())).isEqualTo(1);
  }

  @Test
  void an_order_cancelled_after_a_charge_whose_answer_was_lost_is_refunded_not_left_charged() {
    Billing.setProviderMode("slow");
    OrderPlaced o = order(UUID.randomUUID());
    produce(o);
    await().atMost(DEADLINE).until(() -> provider.executedCharges(o.orderId().toString()) == 1);
    Billing.setProviderMode("down");
    await().atMost(DEADLINE).until(() -> "PENDING".equals(paymentStatus(o.orderId())));

    produce(Billing.cancelled(o));
    await().atMost(DEADLINE).until(() -> "CANCELLED".equals(paymentStatus(o.orderId())));
    Billing.setProviderMode("healthy");

    await()
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, o.orderId(), "PaymentRefunded").size() == 1);
    assertThat(paymentStatus(o.orderId())).isEqualTo("REFUNDED");
    assertThat(eventsOf(events, o.orderId(), "PaymentSucceeded")).isEmpty();
    assertThat(provider.executedCharges(o.orderId().toString())).isEqualTo(1);
    String chargeId =
        (String)
            Billing.query("select provider_charge_id from payment where order_id = ?", o.orderId())
                .get(0)
                .get("provider_charge_id");
    assertThat(provider.executedRefunds(chargeId)).isEqualTo(1);
  }

  @Test
  void a_charge_the_provider_never_takes_fails_with_provider_unavailable_after_the_last_attempt() {
    Billing.setProviderMode("down");
    OrderPlaced o = order(UUID.randomUUID());
    produce(o);
    await().atMost(DEADLINE).until(() -> "PENDING".equals(paymentStatus(o.orderId())));
    // Skip ahead to the last attempt instead of waiting out the whole backoff.
    Billing.update("update payment set attempts = 29 where order_id = ?", o.orderId());

    await()
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, o.orderId(), "PaymentFailed").size() == 1);
    assertThat(eventsOf(events, o.orderId()).get(0).payload().get("reason").asText())
        .isEqualTo(PaymentFailed.PROVIDER_UNAVAILABLE);
    assertThat(payment(o.orderId()).get("status")).isEqualTo("FAILED");
  }

  @Test
  void the_circuit_breaker_opens_under_transient_failures_and_then_fails_fast() {
    provider.mode(ProviderMode.FAILING);
    for (int i = 0; i < 4; i++) {
      Throwable failure = catchThrowable(() -> guarded.charge(request()).await().indefinitely());
      assertThat(failure).isNotNull();
    }
    assertThat(breakers.currentState(GuardedPaymentProvider.CHARGE_BREAKER))
        .isEqualTo(CircuitBreakerState.OPEN);

    long callsBefore = provider.calls();
    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> guarded.charge(request()).await().indefinitely());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(failure).isInstanceOf(CircuitBreakerOpenException.class);
    assertThat(provider.calls()).isEqualTo(callsBefore);
    assertThat(took).isLessThan(Duration.ofMillis(200));
    given()
        .auth()
        .oauth2(adminToken())
        .get("/api/billing/admin/provider-mode")
        .then()
        .statusCode(200)
        .body("mode", equalTo("failing"))
        .body("chargeCircuit", equalTo("OPEN"));
  }

  @Test
  void transient_errors_are_retried_by_the_guard_before_it_gives_up() {
    provider.mode(ProviderMode.FAILING);
    ChargeRequest request = request();
    Throwable failure = catchThrowable(() -> guarded.charge(request).await().indefinitely());
    assertThat(failure).isNotNull();
    // One call and two retries with jitter.
    assertThat(provider.callsWithKey(request.idempotencyKey())).isEqualTo(3);
  }

  @Test
  void the_provider_mode_can_only_be_set_by_an_admin_and_only_to_a_known_mode() {
    given()
        .auth()
        .oauth2(Billing.token(UUID.randomUUID()))
        .contentType(ContentType.JSON)
        .body(Map.of("mode", "down"))
        .put("/api/billing/admin/provider-mode")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    // Bad input tried: an unknown mode, and a body without one.
    given()
        .auth()
        .oauth2(adminToken())
        .contentType(ContentType.JSON)
        .body(Map.of("mode", "on-fire"))
        .put("/api/billing/admin/provider-mode")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("mode"));
    given()
        .auth()
        .oauth2(adminToken())
        .contentType(ContentType.JSON)
        .body("{}")
        .put("/api/billing/admin/provider-mode")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("mode"));
    assertThat(provider.mode()).isEqualTo(ProviderMode.HEALTHY);
  }

  private static ChargeRequest request() {
    String id = UUID.randomUUID().toString();
    return new ChargeRequest(id, "tok_visa", 100, "EUR", "test-" + id);
  }
}
