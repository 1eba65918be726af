package dev.tessera.eventing.it;

import static dev.tessera.eventing.it.EventingTestSupport.DLQ;
import static dev.tessera.eventing.it.EventingTestSupport.inboxRows;
import static dev.tessera.eventing.it.EventingTestSupport.memberTraceId;
import static dev.tessera.eventing.it.EventingTestSupport.members;
import static dev.tessera.eventing.it.EventingTestSupport.produceRaw;
import static dev.tessera.eventing.it.EventingTestSupport.servers;
import static dev.tessera.testing.TopicReader.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test application consumes identity.user.events on two channels with two consumer groups but
 * one consumer name, so every event is delivered twice to the same idempotent consumer — what a
 * consumer restarted before its offset commit sees.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class IdempotentConsumerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Inject MemberProjection projection;

  @BeforeAll
  static void captureOutbox() {
    EventingTestSupport.captureOutbox();
  }

  @Test
  void an_event_delivered_twice_is_applied_once_within_the_producer_trace() {
    UUID userId = UUID.randomUUID();
    String traceId = OutboxTest.randomHex(32);
    String eventId =
        given()
            .header("traceparent", "00-" + traceId + "-" + OutboxTest.randomHex(16) + "-01")
            .queryParam("userId", userId)
            .queryParam("displayName", "Grace")
            .post("/registrations")
            .then()
            .statusCode(200)
            .extract()
            .asString();

    await().atMost(DEADLINE).until(() -> projection.deliveriesOf(eventId) == 2);
    await().atMost(DEADLINE).until(() -> members(userId) == 1);
    assertThat(projection.attemptsOf(eventId)).isEqualTo(1);
    assertThat(inboxRows(eventId)).isEqualTo(1);
    // The handler's span is a child of the producer's: same trace as the HTTP request.
    assertThat(memberTraceId(userId)).isEqualTo(traceId);
  }

  @Test
  void the_same_record_produced_twice_is_applied_once() {
    UUID userId = UUID.randomUUID();
    String eventId = UUID.randomUUID().toString();
    var event = new UserRegistered(userId, "twice@example.com", "Twice", Instant.now());
    produceRaw(eventId, event, "UserRegistered");
    produceRaw(eventId, event, "UserRegistered");

    await().atMost(DEADLINE).until(() -> projection.deliveriesOf(eventId) == 4);
    assertThat(members(userId)).isEqualTo(1);
    assertThat(projection.attemptsOf(eventId)).isEqualTo(1);
    assertThat(inboxRows(eventId)).isEqualTo(1);
  }

  @Test
  void a_transient_failure_is_retried_and_the_event_applied_once() {
    UUID userId = UUID.randomUUID();
    String eventId = UUID.randomUUID().toString();
    produceRaw(
        eventId,
        new UserRegistered(userId, "f@example.com", "flaky-2", Instant.now()),
        "UserRegistered");

    await().atMost(DEADLINE).until(() -> members(userId) == 1);
    await().atMost(DEADLINE).until(() -> projection.deliveriesOf(eventId) == 2);
    // Two failures, then one success; the second delivery finds the inbox row.
    await().atMost(DEADLINE).until(() -> inboxRows(eventId) == 1);
    assertThat(projection.attemptsOf(eventId)).isEqualTo(3);
  }

  @Test
  void a_poison_record_is_dead_lettered_with_the_reason_and_the_next_record_is_processed() {
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      String poisonKey = UUID.randomUUID().toString();
      produceRaw(poisonKey, UUID.randomUUID().toString(), "UserRegistered", "{not json");
      UUID next = UUID.randomUUID();
      produceRaw(
          UUID.randomUUID().toString(),
          new UserRegistered(next, "next@example.com", "Next", Instant.now()),
          "UserRegistered");

      await().atMost(DEADLINE).until(() -> dlq.withKey(poisonKey).size() == 1);
      assertThat(header(dlq.withKey(poisonKey).get(0), "dead-letter-reason"))
          .contains("not a valid UserRegistered");
      await().atMost(DEADLINE).until(() -> members(next) == 1);
    }
  }

  @Test
  void a_record_without_an_event_id_is_dead_lettered() {
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      UUID userId = UUID.randomUUID();
      produceRaw(
          userId.toString(),
          null,
          "UserRegistered",
          dev.tessera.contracts.EventCodec.toJson(
              new UserRegistered(userId, "noid@example.com", "No id", Instant.now())));

      await().atMost(DEADLINE).until(() -> dlq.withKey(userId.toString()).size() == 1);
      assertThat(header(dlq.withKey(userId.toString()).get(0), "dead-letter-reason"))
          .contains("no valid event id");
      assertThat(members(userId)).isZero();
    }
  }

  @Test
  void a_handler_that_keeps_failing_is_dead_lettered_after_its_retries_and_the_next_is_processed() {
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      UUID broken = UUID.randomUUID();
      String eventId = UUID.randomUUID().toString();
      produceRaw(
          eventId,
          new UserRegistered(broken, "b@example.com", "always-fails", Instant.now()),
          "UserRegistered");
      UUID next = UUID.randomUUID();
      produceRaw(
          UUID.randomUUID().toString(),
          new UserRegistered(next, "n@example.com", "Next", Instant.now()),
          "UserRegistered");

      await().atMost(DEADLINE).until(() -> dlq.withKey(broken.toString()).size() == 1);
      assertThat(header(dlq.withKey(broken.toString()).get(0), "dead-letter-reason"))
          .contains("gave up after 4 attempts")
          .contains("projection is broken");
      await().atMost(DEADLINE).until(() -> members(next) == 1);
      assertThat(members(broken)).isZero();
      assertThat(inboxRows(eventId)).isZero();
    }
  }

  @Test
  void a_permanent_failure_is_not_retried() {
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      UUID userId = UUID.randomUUID();
      String eventId = UUID.randomUUID().toString();
      produceRaw(
          eventId,
          new UserRegistered(userId, "i@example.com", "invalid", Instant.now()),
          "UserRegistered");

      await().atMost(DEADLINE).until(() -> dlq.withKey(userId.toString()).size() == 1);
      await().atMost(DEADLINE).until(() -> projection.deliveriesOf(eventId) == 2);
      // Once per channel, never retried.
      await().atMost(DEADLINE).until(() -> projection.attemptsOf(eventId) == 2);
      assertThat(header(dlq.withKey(userId.toString()).get(0), "dead-letter-reason"))
          .contains("display name not allowed");
    }
  }

  @Test
  void an_event_type_the_consumer_does_not_handle_is_skipped() {
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      UUID userId = UUID.randomUUID();
      String eventId = UUID.randomUUID().toString();
      produceRaw(eventId, new UserSuspended(userId, "abuse", Instant.now()), "UserSuspended");
      UUID next = UUID.randomUUID();
      produceRaw(
          UUID.randomUUID().toString(),
          new UserRegistered(next, "s@example.com", "After", Instant.now()),
          "UserRegistered");

      await().atMost(DEADLINE).until(() -> members(next) == 1);
      assertThat(projection.deliveriesOf(eventId)).isEqualTo(2);
      assertThat(inboxRows(eventId)).isZero();
      assertThat(dlq.withKey(userId.toString())).isEmpty();
    }
  }
}
