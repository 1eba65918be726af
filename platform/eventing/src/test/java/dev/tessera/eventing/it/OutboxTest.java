package dev.tessera.eventing.it;

import static dev.tessera.eventing.it.EventingTestSupport.TOPIC;
import static dev.tessera.eventing.it.EventingTestSupport.count;
import static dev.tessera.eventing.it.EventingTestSupport.servers;
import static dev.tessera.testing.TopicReader.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.eventing.outbox.Outbox;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class OutboxTest {

  private static final Duration CDC = Duration.ofSeconds(30);

  @Inject Outbox outbox;
  @Inject Mutiny.SessionFactory sessionFactory;

  @BeforeAll
  static void captureOutbox() {
    EventingTestSupport.captureOutbox();
  }

  @Test
  void a_committed_write_yields_one_record_keyed_by_aggregate_id_with_the_envelope_headers() {
    UUID userId = UUID.randomUUID();
    String traceId = randomHex(32);
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      String eventId =
          given()
              .header("traceparent", "00-" + traceId + "-" + randomHex(16) + "-01")
              .queryParam("userId", userId)
              .queryParam("displayName", "Ada")
              .post("/registrations")
              .then()
              .statusCode(200)
              .extract()
              .asString();

      await().atMost(CDC).until(() -> reader.withKey(userId.toString()).size() == 1);
      var record = reader.withKey(userId.toString()).get(0);
      assertThat(header(record, "id")).isEqualTo(eventId);
      assertThat(header(record, "eventType")).isEqualTo("UserRegistered");
      // The request's trace continues through the outbox into Kafka.
      assertThat(header(record, "traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01");
      UserRegistered event = EventCodec.fromJson(record.value(), UserRegistered.class);
      assertThat(event.userId()).isEqualTo(userId);
      assertThat(event.displayName()).isEqualTo("Ada");

      // A later commit through the same slot and partition arrives after any duplicate would.
      UUID later = register("Later");
      await().atMost(CDC).until(() -> reader.withKey(later.toString()).size() == 1);
      assertThat(reader.withKey(userId.toString())).hasSize(1);
    }
  }

  @Test
  void a_rolled_back_write_yields_no_record_and_no_state() {
    UUID rolledBack = UUID.randomUUID();
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      given()
          .queryParam("userId", rolledBack)
          .queryParam("displayName", "Never")
          .queryParam("failAfterRecording", true)
          .post("/registrations")
          .then()
          .statusCode(500);

      UUID committed = register("Committed");
      await().atMost(CDC).until(() -> reader.withKey(committed.toString()).size() == 1);
      assertThat(reader.withKey(rolledBack.toString())).isEmpty();
      assertThat(count("select count(*) from registration where user_id = ?", rolledBack)).isZero();
    }
  }

  @Test
  void a_sweep_deletes_committed_rows_and_leaves_the_row_of_an_open_transaction_alone()
      throws SQLException {
    UUID committed = register("Committed, then swept");
    assertThat(outboxRows(committed)).isOne();

    try (Connection open = EventingTestSupport.connect()) {
      open.setAutoCommit(false);
      UUID pending = UUID.randomUUID();
      try (PreparedStatement insert =
          open.prepareStatement(
              "insert into outbox (id, aggregatetype, aggregateid, type, payload)"
                  + " values (?, 'user', ?, 'UserRegistered', '{}')")) {
        insert.setObject(1, UUID.randomUUID());
        insert.setString(2, pending.toString());
        insert.executeUpdate();
      }

      // Neither waits for the open transaction nor touches its row.
      int deleted =
          Integer.parseInt(
              given().post("/outbox-sweeps").then().statusCode(200).extract().asString());

      assertThat(deleted).isPositive();
      assertThat(outboxRows(committed)).isZero();
      try (PreparedStatement stillThere =
          open.prepareStatement("select count(*) from outbox where aggregateid = ?")) {
        stillThere.setString(1, pending.toString());
        try (ResultSet r = stillThere.executeQuery()) {
          r.next();
          assertThat(r.getInt(1)).as("the open transaction's own row").isOne();
        }
      }
      // Rolled back: Debezium never sees it.
      open.rollback();
    }
  }

  private static int outboxRows(UUID aggregateId) {
    return count("select count(*) from outbox where aggregateid = ?", aggregateId.toString());
  }

  @Test
  @RunOnVertxContext
  void refuses_to_record_outside_a_transaction(UniAsserter asserter) {
    asserter.assertFailedWith(
        () ->
            sessionFactory.withSession(
                session ->
                    outbox.record(
                        session,
                        new UserRegistered(
                            UUID.randomUUID(), "x@example.com", "X", Instant.now()))),
        failure -> assertThat(failure).hasMessageContaining("transaction"));
  }

  @Test
  void refuses_an_event_that_another_service_owns() {
    var billingEvent =
        new PaymentFailed(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.randomUUID(),
            new Money(100, "EUR"),
            "card_declined",
            Instant.now());
    assertThatThrownBy(() -> outbox.record(null, billingEvent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("billing");
  }

  private static UUID register(String displayName) {
    UUID userId = UUID.randomUUID();
    given()
        .queryParam("userId", userId)
        .queryParam("displayName", displayName)
        .post("/registrations")
        .then()
        .statusCode(200);
    return userId;
  }

  static String randomHex(int length) {
    return UUID.randomUUID().toString().replace("-", "").repeat(2).substring(0, length);
  }
}
