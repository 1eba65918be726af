package dev.tessera.orders.it;

import static io.restassured.RestAssured.given;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.servers.Servers;
import dev.tessera.testing.EventRecords;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.ServiceDatabase;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TestTokens;
import dev.tessera.testing.TopicReader;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.UUID;

/** What the orders tests share: tokens, requests, raw records, direct reads of the database. */
final class OrdersTestSupport {

  static final String ORDER_EVENTS = "orders.order.events";
  static final String BILLING_EVENTS = "billing.payment.events";
  static final String IDENTITY_EVENTS = "identity.user.events";
  static final String BILLING_DLQ = "billing.payment.events.orders.dlq";

  /** Seeded products (V2__seed_catalog.sql) and their prices in cents. */
  static final String MUG = "TSR-MUG-001"; // 1290 EUR

  static final String TEE = "TSR-TEE-002"; // 2490 EUR
  static final String STICKERS = "TSR-STICK-004"; // 450 EUR

  private OrdersTestSupport() {}

  static Servers servers() {
    return TesseraServers.shared();
  }

  /** Reads what arrives on {@code topic} from now on. */
  static TopicReader readTopic(String topic) {
    return new TopicReader(servers().kafka().bootstrapServers(), topic);
  }

  /** Starts Debezium capture of the outbox; the service is not ready before. */
  static void captureOutbox() {
    OutboxCapture.start("orders");
  }

  /** A request as the user: a bearer token of theirs. */
  static RequestSpecification as(UUID userId) {
    return given().auth().oauth2(TestTokens.forUser(userId));
  }

  /** A JSON body of {@code sku, quantity, sku, quantity, ...}. */
  static String items(Object... skuAndQuantity) {
    StringBuilder json = new StringBuilder("{\"items\":[");
    for (int i = 0; i < skuAndQuantity.length; i += 2) {
      json.append(i == 0 ? "" : ",")
          .append("{\"sku\":\"")
          .append(skuAndQuantity[i])
          .append("\",\"quantity\":")
          .append(skuAndQuantity[i + 1])
          .append('}');
    }
    return json.append("]}").toString();
  }

  /** Places an order of the given lines for the user and returns its id. */
  static UUID place(UUID userId, Object... skuAndQuantity) {
    String id =
        as(userId)
            .contentType(ContentType.JSON)
            .body(items(skuAndQuantity))
            .post("/api/orders")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return UUID.fromString(id);
  }

  /** The order's status, read as its owner through the API. */
  static String status(UUID userId, UUID orderId) {
    return as(userId).get("/api/orders/" + orderId).then().statusCode(200).extract().path("status");
  }

  /** Billing's success for {@code orderId} of {@code userId}: a mug's price, a new payment. */
  static PaymentSucceeded succeeded(UUID orderId, UUID userId) {
    return new PaymentSucceeded(
        UUID.randomUUID(),
        orderId,
        userId,
        new Money(1290, "EUR"),
        UUID.randomUUID(),
        Instant.now());
  }

  /** Sends an event to a topic as its producer's connector would, with the envelope headers. */
  static void produce(String eventId, IntegrationEvent event) {
    var type = EventTypes.of(event.getClass());
    produceRaw(type.topic(), event.aggregateId(), eventId, type.name(), EventCodec.toJson(event));
  }

  /** Sends a record as a misbehaving or duplicating producer would. */
  static void produceRaw(
      String topic, String key, String eventId, String eventType, String payload) {
    EventRecords.send(topic, key, eventId, eventType, payload);
  }

  /** Runs a {@code select count(*)} with the given parameters on the service's database. */
  static int count(String sql, Object... parameters) {
    return ServiceDatabase.count(sql, parameters);
  }

  /** Runs an update (or DDL) on the service's database, as another release's code would. */
  static void execute(String sql, Object... parameters) {
    ServiceDatabase.execute(sql, parameters);
  }

  /** Inbox rows of a consumer for an event: 1 once applied (or skipped), never more. */
  static int inboxRows(String consumer, String eventId) {
    return count(
        "select count(*) from inbox where consumer = ? and event_id = ?",
        consumer,
        UUID.fromString(eventId));
  }
}
