package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.ORDER_EVENTS;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.produce;
import static dev.tessera.orders.it.OrdersTestSupport.readTopic;
import static dev.tessera.orders.it.OrdersTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The saga's deadline (30 s in the test profile): an order whose payment result never comes is
 * cancelled with payment_timeout through OrderCancelled; a paid one is left alone, and a payment
 * that comes after the deadline changes nothing (billing refunds it on the OrderCancelled).
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class SagaDeadlineTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @BeforeAll
  static void captureOutbox() {
    OrdersTestSupport.captureOutbox();
  }

  @Test
  void
      an_order_whose_payment_never_comes_is_cancelled_with_payment_timeout_and_a_late_payment_changes_nothing() {
    UUID userId = UUID.randomUUID();
    try (var reader = readTopic(ORDER_EVENTS)) {
      UUID unpaid = place(userId, MUG, 1);
      UUID paid = place(userId, MUG, 2);
      produce(UUID.randomUUID().toString(), succeeded(paid, userId));
      await().atMost(DEADLINE).until(() -> status(userId, paid).equals("CONFIRMED"));

      await().atMost(DEADLINE).until(() -> status(userId, unpaid).equals("CANCELLED"));
      as(userId)
          .get("/api/orders/" + unpaid)
          .then()
          .body("cancellationReason", equalTo(OrderCancelled.PAYMENT_TIMEOUT));
      await().atMost(DEADLINE).until(() -> reader.events(unpaid, "OrderCancelled").size() == 1);
      String payload = reader.events(unpaid, "OrderCancelled").get(0).value();
      assertThat(EventSchemas.errors("OrderCancelled", payload)).isEmpty();
      assertThat(EventCodec.fromJson(payload, OrderCancelled.class).reason())
          .isEqualTo(OrderCancelled.PAYMENT_TIMEOUT);

      // The payment turns up after all: skipped, never confirming a cancelled order.
      String late = UUID.randomUUID().toString();
      produce(late, succeeded(unpaid, userId));
      await()
          .atMost(DEADLINE)
          .until(() -> OrdersTestSupport.inboxRows("orders-payments", late) == 1);
      assertThat(status(userId, unpaid)).isEqualTo("CANCELLED");
      assertThat(status(userId, paid)).isEqualTo("CONFIRMED");
      assertThat(reader.events(paid, "OrderCancelled")).isEmpty();
      assertThat(reader.events(unpaid, "OrderCancelled")).hasSize(1);
    }
  }

  private static PaymentSucceeded succeeded(UUID orderId, UUID userId) {
    UUID paymentId = UUID.randomUUID();
    return new PaymentSucceeded(
        paymentId, orderId, userId, new Money(1290, "EUR"), UUID.randomUUID(), Instant.now());
  }
}
