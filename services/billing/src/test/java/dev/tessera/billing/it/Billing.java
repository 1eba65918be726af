package dev.tessera.billing.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderLine;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.servers.Servers;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.ServiceDatabase;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TopicReader;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** What billing's integration tests share: events in, events out, the database, tokens. */
final class Billing {

  static final String SERVICE = "billing";
  static final String PAYMENTS_TOPIC = "billing.payment.events";

  private static KafkaProducer<String, String> producer;

  private Billing() {}

  static Servers servers() {
    return TesseraServers.shared();
  }

  /** Starts capture of billing's outbox with the service's real connector configuration. */
  static void captureOutbox() {
    OutboxCapture.start(SERVICE);
  }

  /** A reader of billing.payment.events from now on. */
  static TopicReader paymentEvents() {
    return new TopicReader(servers().kafka().bootstrapServers(), PAYMENTS_TOPIC);
  }

  /**
   * An access token of {@code userId}, signed with the test key the service verifies with; its
   * roles in the {@code roles} claim, as identity issues them.
   */
  static String token(UUID userId, String... roles) {
    return Jwt.issuer("tessera-identity")
        .audience("tessera")
        .subject(userId.toString())
        .claim("roles", List.of(roles))
        .expiresIn(300)
        .sign();
  }

  static String adminToken() {
    return token(UUID.randomUUID(), "admin");
  }

  /** An order of two lines, 2 x 1500 + 1 x 999 EUR. */
  static OrderPlaced order(UUID userId) {
    return new OrderPlaced(
        UUID.randomUUID(),
        userId,
        List.of(
            new OrderLine("SKU-MUG", "Tessera mug", 2, new Money(1500, "EUR")),
            new OrderLine("SKU-STICKER", "Sticker", 1, new Money(999, "EUR"))),
        new Money(3999, "EUR"),
        Instant.now());
  }

  /** Sets the simulated provider's fault mode as an operator does: through the admin API. */
  static void setProviderMode(String mode) {
    given()
        .auth()
        .oauth2(adminToken())
        .contentType(ContentType.JSON)
        .body(Map.of("mode", mode))
        .put("/api/billing/admin/provider-mode")
        .then()
        .statusCode(200)
        .body("mode", equalTo(mode));
  }

  static UserRegistered registered(UUID userId) {
    return new UserRegistered(userId, userId + "@example.com", "Ada", Instant.now());
  }

  static OrderCancelled cancelled(OrderPlaced order) {
    return new OrderCancelled(
        order.orderId(), order.userId(), OrderCancelled.CUSTOMER_REQUEST, Instant.now());
  }

  /** Produces {@code event} as its owning service would, with a fresh event id; returns the id. */
  static String produce(IntegrationEvent event) {
    String eventId = UUID.randomUUID().toString();
    produce(eventId, event);
    return eventId;
  }

  /** Produces {@code event} with the given event id: the same id twice is a redelivery. */
  static void produce(String eventId, IntegrationEvent event) {
    EventType<?> type = EventTypes.of(event.getClass());
    var record = new ProducerRecord<>(type.topic(), event.aggregateId(), EventCodec.toJson(event));
    record.headers().add(EventHeaders.ID, eventId.getBytes(StandardCharsets.UTF_8));
    record.headers().add(EventHeaders.EVENT_TYPE, type.name().getBytes(StandardCharsets.UTF_8));
    try {
      producer().send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not produce " + type.name(), e);
    }
  }

  /** Sends a record to orders.order.events as a misbehaving producer would. */
  static void produceRaw(String key, String eventType, String payload) {
    var record = new ProducerRecord<>("orders.order.events", key, payload);
    record
        .headers()
        .add(EventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    record.headers().add(EventHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
    try {
      producer().send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not produce", e);
    }
  }

  private static synchronized KafkaProducer<String, String> producer() {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              Map.<String, Object>of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers().kafka().bootstrapServers()),
              new StringSerializer(),
              new StringSerializer());
    }
    return producer;
  }

  /** An event billing published, read back. */
  record Published(String type, JsonNode payload, String key) {}

  /** The events read so far by {@code reader} about {@code orderId}. */
  static List<Published> eventsOf(TopicReader reader, UUID orderId) {
    List<Published> found = new ArrayList<>();
    for (ConsumerRecord<String, String> record : reader.poll()) {
      try {
        JsonNode payload = EventCodec.mapper().readTree(record.value());
        if (orderId.toString().equals(payload.path("orderId").asText())) {
          found.add(
              new Published(
                  TopicReader.header(record, EventHeaders.EVENT_TYPE), payload, record.key()));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return found;
  }

  // 2020-12 treats format as an annotation by default; uuid and date-time must be checked.
  private static final SchemaValidatorsConfig SCHEMA_CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  /**
   * Errors of a published event against its JSON Schema in contracts (found by its resource path,
   * as any consumer would); empty when valid.
   */
  static List<String> schemaErrors(Published event) {
    EventType<?> type = EventTypes.byName(event.type()).orElseThrow();
    try (InputStream in =
        EventType.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
      JsonNode schema = EventCodec.mapper().readTree(in);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(schema, SCHEMA_CONFIG)
          .validate(event.payload())
          .stream()
          .map(ValidationMessage::getMessage)
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The events of one type about {@code orderId}. */
  static List<Published> eventsOf(TopicReader reader, UUID orderId, String type) {
    return eventsOf(reader, orderId).stream().filter(e -> e.type().equals(type)).toList();
  }

  /** The payment row of an order: status, attempts, payment method; null if there is none. */
  static Map<String, Object> payment(UUID orderId) {
    List<Map<String, Object>> rows =
        query(
            "select id, status, attempts, payment_method, failure_reason from payment"
                + " where order_id = ?",
            orderId);
    return rows.isEmpty() ? null : rows.get(0);
  }

  static String paymentStatus(UUID orderId) {
    Map<String, Object> payment = payment(orderId);
    return payment == null ? null : (String) payment.get("status");
  }

  static int count(String sql, Object... parameters) {
    return ServiceDatabase.count(sql, parameters);
  }

  static int update(String sql, Object... parameters) {
    return ServiceDatabase.execute(sql, parameters);
  }

  static List<Map<String, Object>> query(String sql, Object... parameters) {
    return ServiceDatabase.rows(sql, parameters);
  }
}
