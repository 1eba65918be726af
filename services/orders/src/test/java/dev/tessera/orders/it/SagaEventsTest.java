package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.BILLING_DLQ;
import static dev.tessera.orders.it.OrdersTestSupport.BILLING_EVENTS;
import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.ORDER_EVENTS;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.inboxRows;
import static dev.tessera.orders.it.OrdersTestSupport.items;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.produce;
import static dev.tessera.orders.it.OrdersTestSupport.produceRaw;
import static dev.tessera.orders.it.OrdersTestSupport.readTopic;
import static dev.tessera.orders.it.OrdersTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.orders.events.PaymentEventsConsumer;
import dev.tessera.orders.events.UserEventsConsumer;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The orders side of the saga and the user projection, fed by records produced to Kafka. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class SagaEventsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String PAYMENTS = PaymentEventsConsumer.CONSUMER;

  @BeforeAll
  static void captureOutbox() {
    OrdersTestSupport.captureOutbox();
  }

  @Test
  void a_successful_payment_confirms_the_order_and_publishes_OrderConfirmed() {
    UUID userId = UUID.randomUUID();
    UUID orderId = place(userId, MUG, 1);
    UUID paymentId = UUID.randomUUID();
    try (var reader = readTopic(ORDER_EVENTS)) {
      produce(UUID.randomUUID().toString(), succeeded(paymentId, orderId, userId));

      await().atMost(DEADLINE).until(() -> status(userId, orderId).equals("CONFIRMED"));
      await().atMost(DEADLINE).until(() -> reader.events(orderId, "OrderConfirmed").size() == 1);
      String payload = reader.events(orderId, "OrderConfirmed").get(0).value();
      assertThat(EventSchemas.errors("OrderConfirmed", payload)).isEmpty();
      OrderConfirmed event = EventCodec.fromJson(payload, OrderConfirmed.class);
      assertThat(event.paymentId()).isEqualTo(paymentId);
      assertThat(event.userId()).isEqualTo(userId);
    }
  }

  @Test
  void the_same_PaymentSucceeded_delivered_twice_confirms_once() {
    UUID userId = UUID.randomUUID();
    UUID orderId = place(userId, MUG, 1);
    String eventId = UUID.randomUUID().toString();
    var payment = succeeded(UUID.randomUUID(), orderId, userId);
    try (var reader = readTopic(ORDER_EVENTS)) {
      produce(eventId, payment);
      produce(eventId, payment);
      // A later event on the same partition: once it is applied, both copies were consumed.
      UUID laterOrder = place(userId, MUG, 2);
      String laterEvent = UUID.randomUUID().toString();
      produce(laterEvent, succeeded(UUID.randomUUID(), laterOrder, userId));

      await().atMost(DEADLINE).until(() -> inboxRows(PAYMENTS, laterEvent) == 1);
      await().atMost(DEADLINE).until(() -> reader.events(laterOrder, "OrderConfirmed").size() == 1);
      assertThat(reader.events(orderId, "OrderConfirmed")).hasSize(1);
      assertThat(inboxRows(PAYMENTS, eventId)).isEqualTo(1);
      assertThat(status(userId, orderId)).isEqualTo("CONFIRMED");
    }
  }

  @Test
  void a_failed_payment_cancels_the_order_with_the_reason_and_publishes_OrderCancelled() {
    UUID userId = UUID.randomUUID();
    UUID orderId = place(userId, MUG, 1);
    try (var reader = readTopic(ORDER_EVENTS)) {
      produce(
          UUID.randomUUID().toString(),
          new PaymentFailed(
              UUID.randomUUID(),
              orderId,
              userId,
              new Money(1290, "EUR"),
              PaymentFailed.CARD_DECLINED,
              Instant.now()));

      await().atMost(DEADLINE).until(() -> status(userId, orderId).equals("CANCELLED"));
      as(userId)
          .get("/api/orders/" + orderId)
          .then()
          .body("cancellationReason", equalTo("payment_failed"));
      await().atMost(DEADLINE).until(() -> reader.events(orderId, "OrderCancelled").size() == 1);
      OrderCancelled event =
          EventCodec.fromJson(
              reader.events(orderId, "OrderCancelled").get(0).value(), OrderCancelled.class);
      assertThat(event.reason()).isEqualTo(OrderCancelled.PAYMENT_FAILED);
    }
  }

  @Test
  void an_event_for_an_unknown_order_is_recorded_and_skipped_and_the_next_one_is_processed() {
    UUID userId = UUID.randomUUID();
    try (var dlq = readTopic(BILLING_DLQ)) {
      UUID unknownOrder = UUID.randomUUID();
      String unknownEvent = UUID.randomUUID().toString();
      var orphan = succeeded(UUID.randomUUID(), unknownOrder, userId);
      produce(unknownEvent, orphan);
      UUID orderId = place(userId, MUG, 1);
      produce(UUID.randomUUID().toString(), succeeded(UUID.randomUUID(), orderId, userId));

      await().atMost(DEADLINE).until(() -> status(userId, orderId).equals("CONFIRMED"));
      // Skipped, not retried and not dead-lettered: the inbox has it, the DLQ does not.
      assertThat(inboxRows(PAYMENTS, unknownEvent)).isEqualTo(1);
      assertThat(dlq.withKey(orphan.aggregateId())).isEmpty();
    }
  }

  @Test
  void a_malformed_payment_record_goes_to_the_orders_dead_letter_topic_and_the_next_is_processed() {
    UUID userId = UUID.randomUUID();
    try (var dlq = readTopic(BILLING_DLQ)) {
      String poisonKey = UUID.randomUUID().toString();
      // Tried: a payload that is not JSON, under a known event type.
      produceRaw(
          BILLING_EVENTS, poisonKey, UUID.randomUUID().toString(), "PaymentSucceeded", "{not json");
      UUID orderId = place(userId, MUG, 1);
      produce(UUID.randomUUID().toString(), succeeded(UUID.randomUUID(), orderId, userId));

      await().atMost(DEADLINE).until(() -> dlq.withKey(poisonKey).size() == 1);
      await().atMost(DEADLINE).until(() -> status(userId, orderId).equals("CONFIRMED"));
    }
  }

  @Test
  void a_payment_for_a_cancelled_order_is_an_illegal_transition_that_is_skipped() {
    UUID userId = UUID.randomUUID();
    UUID orderId = place(userId, MUG, 1);
    as(userId).post("/api/orders/" + orderId + "/cancellation").then().statusCode(200);
    String eventId = UUID.randomUUID().toString();
    produce(eventId, succeeded(UUID.randomUUID(), orderId, userId));

    await().atMost(DEADLINE).until(() -> inboxRows(PAYMENTS, eventId) == 1);
    assertThat(status(userId, orderId)).isEqualTo("CANCELLED");
  }

  @Test
  void a_suspended_user_cannot_place_orders_but_an_unknown_user_can() {
    UUID suspended = UUID.randomUUID();
    produce(
        UUID.randomUUID().toString(),
        new UserRegistered(suspended, suspended + "@example.com", "Mallory", Instant.now()));
    String suspension = UUID.randomUUID().toString();
    produce(suspension, new UserSuspended(suspended, "abuse", Instant.now()));
    await().atMost(DEADLINE).until(() -> inboxRows(UserEventsConsumer.CONSUMER, suspension) == 1);

    as(suspended)
        .contentType(ContentType.JSON)
        .body(items(MUG, 1))
        .post("/api/orders")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/user-suspended"));
    // Identity's events may not have arrived yet for a new user: the projection does not block.
    place(UUID.randomUUID(), MUG, 1);
  }

  @Test
  void a_sign_up_event_arriving_after_the_suspension_does_not_lift_it() {
    UUID userId = UUID.randomUUID();
    produce(UUID.randomUUID().toString(), new UserSuspended(userId, "fraud", Instant.now()));
    String registration = UUID.randomUUID().toString();
    produce(
        registration,
        new UserRegistered(
            userId, userId + "@example.com", "Late", Instant.now().minusSeconds(60)));
    await().atMost(DEADLINE).until(() -> inboxRows(UserEventsConsumer.CONSUMER, registration) == 1);

    as(userId)
        .contentType(ContentType.JSON)
        .body(items(MUG, 1))
        .post("/api/orders")
        .then()
        .statusCode(403);
  }

  @Test
  void a_suspended_user_reinstated_by_UserReinstated_can_place_orders_again() {
    UUID userId = UUID.randomUUID();
    Instant suspendedAt = Instant.now();
    produce(
        UUID.randomUUID().toString(),
        new UserRegistered(
            userId, userId + "@example.com", "Mallory", suspendedAt.minusSeconds(60)));
    String suspension = UUID.randomUUID().toString();
    produce(suspension, new UserSuspended(userId, "abuse", suspendedAt));
    await().atMost(DEADLINE).until(() -> inboxRows(UserEventsConsumer.CONSUMER, suspension) == 1);
    as(userId)
        .contentType(ContentType.JSON)
        .body(items(MUG, 1))
        .post("/api/orders")
        .then()
        .statusCode(403);

    String reinstatement = UUID.randomUUID().toString();
    produce(reinstatement, new UserReinstated(userId, suspendedAt.plusSeconds(30)));
    await()
        .atMost(DEADLINE)
        .until(() -> inboxRows(UserEventsConsumer.CONSUMER, reinstatement) == 1);

    place(userId, MUG, 1);
  }

  @Test
  void a_stale_suspension_delivered_after_the_reinstatement_that_lifted_it_does_not_block() {
    UUID userId = UUID.randomUUID();
    Instant suspendedAt = Instant.now();
    produce(UUID.randomUUID().toString(), new UserSuspended(userId, "abuse", suspendedAt));
    produce(UUID.randomUUID().toString(), new UserReinstated(userId, suspendedAt.plusSeconds(30)));
    // The same suspension again, as a replayed dead letter arrives: after what followed it.
    String replayed = UUID.randomUUID().toString();
    produce(replayed, new UserSuspended(userId, "abuse", suspendedAt));
    await().atMost(DEADLINE).until(() -> inboxRows(UserEventsConsumer.CONSUMER, replayed) == 1);

    place(userId, MUG, 1);
  }

  @Test
  void a_stale_reinstatement_delivered_after_a_later_suspension_does_not_lift_it() {
    UUID userId = UUID.randomUUID();
    Instant reinstatedAt = Instant.now();
    produce(
        UUID.randomUUID().toString(),
        new UserSuspended(userId, "abuse", reinstatedAt.minusSeconds(30)));
    produce(
        UUID.randomUUID().toString(),
        new UserSuspended(userId, "abuse again", reinstatedAt.plusSeconds(30)));
    String stale = UUID.randomUUID().toString();
    produce(stale, new UserReinstated(userId, reinstatedAt));
    await().atMost(DEADLINE).until(() -> inboxRows(UserEventsConsumer.CONSUMER, stale) == 1);

    as(userId)
        .contentType(ContentType.JSON)
        .body(items(MUG, 1))
        .post("/api/orders")
        .then()
        .statusCode(403);
  }

  private static PaymentSucceeded succeeded(UUID paymentId, UUID orderId, UUID userId) {
    return new PaymentSucceeded(
        paymentId, orderId, userId, new Money(1290, "EUR"), UUID.randomUUID(), Instant.now());
  }
}
