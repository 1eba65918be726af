package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.count;
import static dev.tessera.orders.it.OrdersTestSupport.execute;
import static dev.tessera.orders.it.OrdersTestSupport.inboxRows;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.orders.events.PaymentEventsConsumer;
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
 * This release next to a newer one on the same database (docs/upgrades.md): an order status the
 * newer release wrote reads as {@code UNKNOWN}, not as a 500, and a payment event for such an order
 * is parked for the newer release instead of being skipped for good.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class VersionSkewTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @BeforeAll
  static void newerReleasesSchema() {
    OrdersTestSupport.captureOutbox();
    // The newer release's expand migration: a status this release does not know becomes legal.
    execute("alter table orders drop constraint if exists orders_status_check");
  }

  @Test
  void an_order_in_a_state_a_newer_release_wrote_reads_as_unknown_and_cannot_be_cancelled() {
    UUID owner = UUID.randomUUID();
    UUID orderId = place(owner, MUG, 1);
    execute("update orders set status = 'SHIPPED', version = version + 1 where id = ?", orderId);

    as(owner)
        .get("/api/orders/" + orderId)
        .then()
        .statusCode(200)
        .body("status", equalTo("UNKNOWN"));
    as(owner).get("/api/orders").then().statusCode(200).body("items.status", hasItem("UNKNOWN"));
    as(owner)
        .post("/api/orders/" + orderId + "/cancellation")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    assertThat(count("select count(*) from orders where id = ? and status = 'SHIPPED'", orderId))
        .isEqualTo(1);
  }

  @Test
  void a_payment_for_an_order_in_a_state_a_newer_release_wrote_is_parked_not_skipped() {
    UUID owner = UUID.randomUUID();
    UUID orderId = place(owner, MUG, 1);
    execute("update orders set status = 'SHIPPED', version = version + 1 where id = ?", orderId);
    String eventId = UUID.randomUUID().toString();
    produce(
        eventId,
        new PaymentSucceeded(
            UUID.randomUUID(),
            orderId,
            owner,
            new Money(1290, "EUR"),
            UUID.randomUUID(),
            Instant.now()));

    await()
        .atMost(DEADLINE)
        .until(
            () ->
                count(
                        "select count(*) from parked_event where consumer = ? and event_id = ?",
                        PaymentEventsConsumer.CONSUMER,
                        eventId)
                    == 1);
    assertThat(inboxRows(PaymentEventsConsumer.CONSUMER, eventId)).isZero();
    assertThat(count("select count(*) from orders where id = ? and status = 'SHIPPED'", orderId))
        .isEqualTo(1);
  }
}
