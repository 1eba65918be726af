package dev.tessera.billing.it;

import static dev.tessera.billing.it.Billing.cancelled;
import static dev.tessera.billing.it.Billing.eventsOf;
import static dev.tessera.billing.it.Billing.order;
import static dev.tessera.billing.it.Billing.payment;
import static dev.tessera.billing.it.Billing.paymentStatus;
import static dev.tessera.billing.it.Billing.produce;
import static dev.tessera.billing.it.Billing.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.tessera.billing.it.Billing.Published;
import dev.tessera.billing.provider.SimulatedPaymentProvider;
import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentRefunded;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Orders come in from Kafka; payments, invoices and their events go out through the outbox. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = Billing.SERVICE))
@QuarkusTestResource(JwtKeys.class)
class PaymentFlowTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static TopicReader events;

  @Inject SimulatedPaymentProvider provider;

  @BeforeAll
  static void captureOutbox() {
    Billing.captureOutbox();
    events = Billing.paymentEvents();
  }

  @AfterAll
  static void closeReader() {
    events.close();
  }

  @Test
  void invoices_issued_at_once_are_numbered_one_after_another_without_a_gap_or_a_repeat() {
    // Forty charges at once, of forty users (so they spread over every partition and settle side
    // by side): each takes the next number of the year while the others wait for it.
    List<OrderPlaced> orders = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      UUID userId = UUID.randomUUID();
      produce(Billing.registered(userId));
      orders.add(order(userId));
    }
    orders.forEach(Billing::produce);
    await()
        .atMost(DEADLINE)
        .until(() -> orders.stream().allMatch(o -> "SUCCEEDED".equals(paymentStatus(o.orderId()))));

    // Between the lowest and the highest of their numbers, every number is taken exactly once
    // (by one of them, or by an invoice another test issued meanwhile), and the year's counter
    // stands at the highest number issued. (Earlier tests may leave gaps below: one deletes an
    // invoice, as a restored backup would.)
    int year = Year.now(ZoneOffset.UTC).getValue();
    List<Long> theirs =
        orders.stream()
            .map(
                o ->
                    sequence(
                        Billing.query("select number from invoice where order_id = ?", o.orderId())
                            .get(0)))
            .sorted()
            .toList();
    List<Long> all =
        Billing.query("select number from invoice where number like ?", "INV-" + year + "-%")
            .stream()
            .map(PaymentFlowTest::sequence)
            .sorted()
            .toList();
    long low = theirs.get(0);
    long high = theirs.get(theirs.size() - 1);
    assertThat(all.stream().filter(n -> n >= low && n <= high).toList())
        .isEqualTo(LongStream.rangeClosed(low, high).boxed().toList());
    assertThat((long) Billing.count("select last_value from invoice_counter where year = ?", year))
        .isEqualTo(all.get(all.size() - 1));
  }

  /** The place in its year of an invoice number (INV-2026-000042: 42), checking its shape. */
  private static long sequence(Map<String, Object> row) {
    String number = (String) row.get("number");
    assertThat(number).matches("INV-\\d{4}-\\d{6,}");
    return Long.parseLong(number.substring(9));
  }

  @Test
  void an_invoice_number_is_its_year_and_at_least_six_digits() {
    assertThat(Billing.query("select invoice_number(2026, 42) as n").get(0))
        .containsEntry("n", "INV-2026-000042");
    assertThat(Billing.query("select invoice_number(2026, 1234567) as n").get(0))
        .containsEntry("n", "INV-2026-1234567");
  }

  @Test
  void a_placed_order_is_charged_invoiced_and_announced_as_PaymentSucceeded() throws Exception {
    UUID userId = UUID.randomUUID();
    produce(Billing.registered(userId));
    OrderPlaced order = order(userId);
    produce(order);

    await().atMost(DEADLINE).until(() -> eventsOf(events, order.orderId()).size() == 1);
    Published published = eventsOf(events, order.orderId()).get(0);
    assertThat(published.type()).isEqualTo("PaymentSucceeded");
    assertThat(Billing.schemaErrors(published)).isEmpty();
    PaymentSucceeded succeeded =
        EventCodec.fromJson(published.payload().toString(), PaymentSucceeded.class);
    assertThat(succeeded.userId()).isEqualTo(userId);
    assertThat(succeeded.amount().amount()).isEqualTo(3999);
    assertThat(published.key()).isEqualTo(succeeded.paymentId().toString());
    assertThat(paymentStatus(order.orderId())).isEqualTo("SUCCEEDED");

    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/invoices/{id}", succeeded.invoiceId())
        .then()
        .statusCode(200)
        .body("number", matchesPattern("INV-\\d{4}-\\d{6}"))
        .body("orderId", equalTo(order.orderId().toString()))
        .body("paymentId", equalTo(succeeded.paymentId().toString()))
        .body("total.amount", equalTo(3999))
        .body("total.currency", equalTo("EUR"))
        .body("subtotal.amount", equalTo(3999))
        .body("lines.size()", equalTo(2))
        .body("lines[0].sku", equalTo("SKU-MUG"))
        .body("lines[0].amount.amount", equalTo(3000))
        .body("refund", nullValue());
    assertThat(provider.executedCharges(order.orderId().toString())).isEqualTo(1);
  }

  @Test
  void the_same_OrderPlaced_delivered_twice_is_charged_once_and_announced_once() {
    UUID userId = UUID.randomUUID();
    OrderPlaced order = order(userId);
    String eventId = UUID.randomUUID().toString();
    produce(eventId, order);
    produce(eventId, order);
    // A producer retry under a new event id: the unique payment per order still holds.
    produce(order);

    await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(order.orderId())));
    // Wait until all three records were consumed (inbox rows of both ids), then count.
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                Billing.count(
                        "select count(*) from inbox where consumer = 'billing-orders' and"
                            + " event_id = ?",
                        UUID.fromString(eventId))
                    == 1);
    await().atMost(DEADLINE).until(() -> !eventsOf(events, order.orderId()).isEmpty());
    await()
        .pollDelay(Duration.ofSeconds(1))
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, order.orderId()).size() == 1);
    assertThat(Billing.count("select count(*) from payment where order_id = ?", order.orderId()))
        .isEqualTo(1);
    assertThat(provider.executedCharges(order.orderId().toString())).isEqualTo(1);
  }

  @Test
  void a_declined_card_ends_in_PaymentFailed_with_the_reason_and_no_invoice() {
    UUID userId = UUID.randomUUID();
    given()
        .auth()
        .oauth2(token(userId))
        .contentType(ContentType.JSON)
        .body(Map.of("token", "tok_chargeDeclined"))
        .put("/api/billing/account/payment-method")
        .then()
        .statusCode(200);
    OrderPlaced order = order(userId);
    produce(order);

    await().atMost(DEADLINE).until(() -> eventsOf(events, order.orderId()).size() == 1);
    Published published = eventsOf(events, order.orderId()).get(0);
    assertThat(published.type()).isEqualTo("PaymentFailed");
    assertThat(Billing.schemaErrors(published)).isEmpty();
    assertThat(published.payload().get("reason").asText()).isEqualTo(PaymentFailed.CARD_DECLINED);
    assertThat(paymentStatus(order.orderId())).isEqualTo("FAILED");
    assertThat(Billing.count("select count(*) from invoice where order_id = ?", order.orderId()))
        .isZero();
  }

  @Test
  void insufficient_funds_ends_in_PaymentFailed_insufficient_funds() {
    UUID userId = UUID.randomUUID();
    given()
        .auth()
        .oauth2(token(userId))
        .contentType(ContentType.JSON)
        .body(Map.of("token", "tok_insufficientFunds"))
        .put("/api/billing/account/payment-method")
        .then()
        .statusCode(200);
    OrderPlaced order = order(userId);
    produce(order);

    await().atMost(DEADLINE).until(() -> eventsOf(events, order.orderId()).size() == 1);
    assertThat(eventsOf(events, order.orderId()).get(0).payload().get("reason").asText())
        .isEqualTo(PaymentFailed.INSUFFICIENT_FUNDS);
  }

  @Test
  void an_order_placed_before_its_user_registered_is_charged_with_tok_visa() {
    UUID userId = UUID.randomUUID();
    OrderPlaced order = order(userId);
    produce(order);

    await().atMost(DEADLINE).until(() -> eventsOf(events, order.orderId()).size() == 1);
    assertThat(eventsOf(events, order.orderId()).get(0).type()).isEqualTo("PaymentSucceeded");
    assertThat(payment(order.orderId()).get("payment_method")).isEqualTo("tok_visa");

    // The late UserRegistered keeps the account as it is.
    produce(Billing.registered(userId));
    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/account")
        .then()
        .statusCode(200)
        .body("userId", equalTo(userId.toString()))
        .body("paymentMethod", equalTo("tok_visa"));
  }

  @Test
  void a_paid_order_that_is_cancelled_is_refunded_once_with_PaymentRefunded() throws Exception {
    UUID userId = UUID.randomUUID();
    OrderPlaced order = order(userId);
    produce(order);
    await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(order.orderId())));
    // Read (and so cached) before the refund: the refund must still show once it commits.
    UUID paidInvoice =
        (UUID)
            Billing.query(
                    "select i.id from invoice i join payment p on p.id = i.payment_id"
                        + " where p.order_id = ?",
                    order.orderId())
                .get(0)
                .get("id");
    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/invoices/{id}", paidInvoice)
        .then()
        .statusCode(200)
        .body("refund", nullValue());

    String cancelId = UUID.randomUUID().toString();
    produce(cancelId, cancelled(order));
    produce(cancelId, cancelled(order));

    await()
        .atMost(DEADLINE)
        .until(() -> eventsOf(events, order.orderId(), "PaymentRefunded").size() == 1);
    assertThat(Billing.schemaErrors(eventsOf(events, order.orderId(), "PaymentRefunded").get(0)))
        .isEmpty();
    PaymentRefunded refunded =
        EventCodec.fromJson(
            eventsOf(events, order.orderId(), "PaymentRefunded").get(0).payload().toString(),
            PaymentRefunded.class);
    assertThat(refunded.amount().amount()).isEqualTo(3999);
    assertThat(paymentStatus(order.orderId())).isEqualTo("REFUNDED");
    assertThat(
            Billing.count("select count(*) from refund where payment_id = ?", refunded.paymentId()))
        .isEqualTo(1);
    String chargeId =
        (String)
            Billing.query(
                    "select provider_charge_id from payment where id = ?", refunded.paymentId())
                .get(0)
                .get("provider_charge_id");
    assertThat(provider.executedRefunds(chargeId)).isEqualTo(1);

    // The owner sees the refund on the invoice, alone and in the list.
    UUID invoiceId =
        (UUID)
            Billing.query("select id from invoice where payment_id = ?", refunded.paymentId())
                .get(0)
                .get("id");
    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/invoices/{id}", invoiceId)
        .then()
        .statusCode(200)
        .body("total.amount", equalTo(3999))
        .body("refund.amount.amount", equalTo(3999))
        .body("refund.amount.currency", equalTo("EUR"))
        .body("refund.refundedAt", notNullValue());
    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/invoices")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].refund.amount.amount", equalTo(3999));
  }

  @Test
  void a_malformed_OrderPlaced_goes_to_the_dead_letter_topic_and_the_next_order_is_charged() {
    try (TopicReader dlq =
        new TopicReader(
            Billing.servers().kafka().bootstrapServers(), "orders.order.events.billing.dlq")) {
      String poisonKey = UUID.randomUUID().toString();
      // Bad input tried: a payload that is not JSON, and one that misses the total.
      Billing.produceRaw(poisonKey, "OrderPlaced", "{not json");
      String missingTotal = UUID.randomUUID().toString();
      Billing.produceRaw(
          missingTotal,
          "OrderPlaced",
          "{\"orderId\":\""
              + missingTotal
              + "\",\"userId\":\""
              + UUID.randomUUID()
              + "\",\"items\":[],\"placedAt\":\"2026-01-01T00:00:00Z\"}");
      OrderPlaced next = order(UUID.randomUUID());
      produce(next);

      await()
          .atMost(DEADLINE)
          .until(
              () ->
                  dlq.matching(r -> r.key().equals(poisonKey) || r.key().equals(missingTotal))
                          .size()
                      == 2);
      assertThat(
              TopicReader.header(
                  dlq.matching(r -> r.key().equals(poisonKey)).get(0), "dead-letter-reason"))
          .contains("not a valid OrderPlaced");
      await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(next.orderId())));
      assertThat(
              Billing.count(
                  "select count(*) from payment where order_id = ?", UUID.fromString(missingTotal)))
          .isZero();
    }
  }

  @Test
  void a_failed_payment_whose_order_is_then_cancelled_is_neither_charged_nor_refunded() {
    UUID userId = UUID.randomUUID();
    given()
        .auth()
        .oauth2(token(userId))
        .contentType(ContentType.JSON)
        .body(Map.of("token", "tok_chargeDeclined"))
        .put("/api/billing/account/payment-method")
        .then()
        .statusCode(200);
    OrderPlaced order = order(userId);
    produce(order);
    await().atMost(DEADLINE).until(() -> "FAILED".equals(paymentStatus(order.orderId())));

    // What orders sends after PaymentFailed.
    produce(cancelled(order));
    await()
        .pollDelay(Duration.ofSeconds(1))
        .atMost(DEADLINE)
        .until(
            () ->
                Billing.count(
                        "select count(*) from inbox where consumer = 'billing-orders' and"
                            + " event_type = 'OrderCancelled' and processed_at > now() - interval"
                            + " '1 minute'")
                    > 0);
    List<Published> all = eventsOf(events, order.orderId());
    assertThat(all).extracting(Published::type).containsExactly("PaymentFailed");
    assertThat(paymentStatus(order.orderId())).isEqualTo("FAILED");
  }
}
