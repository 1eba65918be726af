package dev.tessera.orders.it;

import static io.restassured.RestAssured.given;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.servers.Credentials;
import dev.tessera.servers.Servers;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TestTokens;
import dev.tessera.testing.TopicReader;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

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

  /** Sends an event to a topic as its producer's connector would, with the envelope headers. */
  static void produce(String eventId, IntegrationEvent event) {
    var type = EventTypes.of(event.getClass());
    produceRaw(type.topic(), event.aggregateId(), eventId, type.name(), EventCodec.toJson(event));
  }

  /** Sends a record as a misbehaving or duplicating producer would. */
  static void produceRaw(
      String topic, String key, String eventId, String eventType, String payload) {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers().kafka().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      var record = new ProducerRecord<>(topic, key, payload);
      if (eventId != null) {
        record.headers().add(EventHeaders.ID, eventId.getBytes(StandardCharsets.UTF_8));
      }
      record.headers().add(EventHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not produce", e);
    }
  }

  /** Runs a {@code select count(*)} with the given parameters on the service's database. */
  static int count(String sql, Object... parameters) {
    try (Connection c = connect();
        PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        p.setObject(i + 1, parameters[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs an update (or DDL) on the service's database, as another release's code would. */
  static void execute(String sql, Object... parameters) {
    try (Connection c = connect();
        PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        p.setObject(i + 1, parameters[i]);
      }
      p.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Inbox rows of a consumer for an event: 1 once applied (or skipped), never more. */
  static int inboxRows(String consumer, String eventId) {
    return count(
        "select count(*) from inbox where consumer = ? and event_id = ?",
        consumer,
        UUID.fromString(eventId));
  }

  private static Connection connect() throws SQLException {
    String url = config("quarkus.datasource.jdbc.url");
    return servers()
        .postgres()
        .connect(
            url.substring(url.lastIndexOf('/') + 1),
            new Credentials(
                config("quarkus.datasource.username"), config("quarkus.datasource.password")));
  }

  private static String config(String key) {
    return ConfigProvider.getConfig().getValue(key, String.class);
  }
}
