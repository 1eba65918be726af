package dev.tessera.billing.it;

import static dev.tessera.billing.it.Billing.cancelled;
import static dev.tessera.billing.it.Billing.eventsOf;
import static dev.tessera.billing.it.Billing.order;
import static dev.tessera.billing.it.Billing.paymentStatus;
import static dev.tessera.billing.it.Billing.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.billing.provider.ProviderMode;
import dev.tessera.billing.provider.SimulatedPaymentProvider;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Billing never keeps money without a confirmed order: whatever the provider, the arrival order of
 * events or another instance does, an order ends with at most one captured charge, and a captured
 * charge only for a paid order or with a refund.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = Billing.SERVICE))
@QuarkusTestResource(JwtKeys.class)
class MoneyNeverKeptTest {

  private static final Duration DEADLINE = Duration.ofSeconds(45);

  private static TopicReader events;

  @Inject SimulatedPaymentProvider provider;
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
  void a_charge_that_landed_before_billing_gave_up_is_refunded_not_kept() {
    // Slow: the provider takes the money but answers after billing's timeout.
    Billing.setProviderMode("slow");
    OrderPlaced o = order(UUID.randomUUID());
    produce(o);
    await().atMost(DEADLINE).until(() -> provider.executedCharges(o.orderId().toString()) == 1);
    // Then it goes down for longer than billing's retries: skip ahead to the last attempt.
    Billing.setProviderMode("down");
    Billing.update("update payment set attempts = 29 where order_id = ?", o.orderId());
    await()
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, o.orderId(), "PaymentFailed").size() == 1);

    // The order is cancelled on PaymentFailed; the money it took must go back once billing can ask.
    Billing.setProviderMode("healthy");
    await()
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, o.orderId(), "PaymentRefunded").size() == 1);
    assertThat(paymentStatus(o.orderId())).isEqualTo("REFUNDED");
    assertThat(provider.executedCharges(o.orderId().toString())).isEqualTo(1);
    assertThat(provider.executedRefunds(chargeOf(o))).isEqualTo(1);
    assertThat(eventsOf(events, o.orderId(), "PaymentSucceeded")).isEmpty();
  }

  @Test
  void an_OrderPlaced_replayed_into_a_restored_database_does_not_charge_the_order_again() {
    OrderPlaced o = order(UUID.randomUUID());
    String eventId = UUID.randomUUID().toString();
    produce(eventId, o);
    await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(o.orderId())));

    // The database is restored from a backup taken before the order: billing forgets it all.
    Billing.update("delete from invoice where order_id = ?", o.orderId());
    Billing.update(
        "delete from payment_line where payment_id in (select id from payment where order_id = ?)",
        o.orderId());
    Billing.update("delete from payment where order_id = ?", o.orderId());
    Billing.update(
        "delete from inbox where consumer = 'billing-orders' and event_id = ?",
        UUID.fromString(eventId));
    produce(eventId, o);

    await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(o.orderId())));
    assertThat(provider.executedCharges(o.orderId().toString())).isEqualTo(1);
  }

  @Test
  void an_OrderPlaced_that_arrives_after_its_OrderCancelled_is_never_charged() {
    OrderPlaced o = order(UUID.randomUUID());
    // Same key, same partition: billing sees the cancellation first (a replay, a repartition).
    produce(cancelled(o));
    String placed = produce(o);
    await().atMost(DEADLINE).until(() -> processed(placed));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(DEADLINE)
        .until(() -> provider.executedCharges(o.orderId().toString()) == 0);

    // The whole story once more, as a replay of the topic delivers it: the same end.
    produce(cancelled(o));
    String replayed = produce(o);
    await().atMost(DEADLINE).until(() -> processed(replayed));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(DEADLINE)
        .until(() -> provider.executedCharges(o.orderId().toString()) == 0);
    assertThat(paymentStatus(o.orderId())).isEqualTo("CANCELLED");
    assertThat(eventsOf(events, o.orderId())).isEmpty();
  }

  @Test
  void a_lookup_that_answers_after_another_instance_refunded_leaves_the_payment_refunded() {
    Billing.setProviderMode("slow");
    OrderPlaced o = order(UUID.randomUUID());
    produce(o);
    await().atMost(DEADLINE).until(() -> provider.executedCharges(o.orderId().toString()) == 1);
    // Cancelled after a charge whose answer billing never got: it asks the provider, slowly.
    produce(cancelled(o));
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                Billing.count(
                        "select count(*) from payment where order_id = ? and status in"
                            + " ('CANCELLED', 'REFUND_PENDING') and provider_charge_id is null"
                            + " and next_attempt_at > now() + interval '3 seconds'",
                        o.orderId())
                    == 1);

    // While the lookup is out, another instance refunds the payment and commits.
    UUID paymentId = (UUID) Billing.payment(o.orderId()).get("id");
    assertThat(
            Billing.update(
                "update payment set status = 'REFUNDED', provider_charge_id = 'ch_other',"
                    + " next_attempt_at = null where id = ? and provider_charge_id is null",
                paymentId))
        .as("the other instance refunds while this one's look-up is still out")
        .isEqualTo(1);
    Billing.update(
        "insert into refund (id, payment_id, amount, currency, provider_refund_id)"
            + " values (?, ?, 3999, 'EUR', 're_other')",
        UUID.randomUUID(),
        paymentId);

    // The late answer of the lookup must not reopen it.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(DEADLINE)
        .until(() -> "REFUNDED".equals(paymentStatus(o.orderId())));
    assertThat(Billing.count("select count(*) from refund where payment_id = ?", paymentId))
        .isEqualTo(1);
  }

  private static boolean processed(String eventId) {
    return Billing.count(
            "select count(*) from inbox where consumer = 'billing-orders' and event_id = ?",
            UUID.fromString(eventId))
        == 1;
  }

  private static String chargeOf(OrderPlaced o) {
    return (String)
        Billing.query("select provider_charge_id from payment where order_id = ?", o.orderId())
            .get(0)
            .get("provider_charge_id");
  }
}
