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

import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.eventing.EventingConfig;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.RestartedIdempotentConsumer;
import dev.tessera.eventing.inbox.StalledRecords;
import dev.tessera.sharding.ShardRouter;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test application consumes identity.user.events on two channels with two consumer groups but
 * one consumer name, so every event is delivered twice to the same idempotent consumer, as by a
 * duplicating producer or a consumer restarted before its offset commit. The restart itself is
 * tested with a Kafka consumer of the test's own, which can be closed between applying a record and
 * committing its offset.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class IdempotentConsumerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Inject MemberProjection projection;
  @Inject IdempotentConsumer consumer;
  @Inject Mutiny.SessionFactory sessionFactory;
  @Inject EventingConfig config;
  @Inject Tracer tracer;
  @Inject Vertx vertx;
  @Inject StalledRecords stalled;
  @Inject ShardRouter router;

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
    // What follows the commit ran once, for the delivery that applied it, and saw it committed.
    assertThat(projection.afterCommitsOf(eventId)).containsExactly(true);
  }

  @Test
  void a_failure_after_the_commit_neither_retries_nor_dead_letters_the_applied_event() {
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      UUID userId = UUID.randomUUID();
      String eventId = UUID.randomUUID().toString();
      produceRaw(
          eventId,
          new UserRegistered(userId, "a@example.com", "after-commit-fails", Instant.now()),
          "UserRegistered");
      UUID next = UUID.randomUUID();
      produceRaw(
          UUID.randomUUID().toString(),
          new UserRegistered(next, "n@example.com", "Next", Instant.now()),
          "UserRegistered");

      await().atMost(DEADLINE).until(() -> !projection.afterCommitsOf(eventId).isEmpty());
      await().atMost(DEADLINE).until(() -> members(next) == 1);
      await().atMost(DEADLINE).until(() -> projection.deliveriesOf(eventId) == 2);
      assertThat(members(userId)).isEqualTo(1);
      assertThat(projection.attemptsOf(eventId)).isEqualTo(1);
      // Once per channel (two consumer groups): the second finds it applied and runs nothing.
      assertThat(projection.afterCommitsOf(eventId)).containsExactly(true);
      assertThat(dlq.withKey(userId.toString())).isEmpty();
    }
  }

  @Test
  void an_event_redelivered_to_a_consumer_restarted_before_its_offset_commit_is_applied_once() {
    String topic = "eventing-test.restart." + UUID.randomUUID();
    String group = "restart-" + UUID.randomUUID();
    String committedEventId = UUID.randomUUID().toString();
    produceRaw(
        topic,
        committedEventId,
        new UserRegistered(UUID.randomUUID(), "c@example.com", "Committed", Instant.now()),
        "UserRegistered");
    UUID userId = UUID.randomUUID();
    String eventId = UUID.randomUUID().toString();
    produceRaw(
        topic,
        eventId,
        new UserRegistered(userId, "r@example.com", "Restarted", Instant.now()),
        "UserRegistered");

    ConsumerRecord<String, String> applied;
    try (var beforeRestart = groupConsumer(group, topic)) {
      ConsumerRecord<String, String> committed = nextRecord(beforeRestart);
      consumer.process(committed, projection.handlers()).await().atMost(DEADLINE);
      beforeRestart.commitSync(
          Map.of(
              new TopicPartition(topic, committed.partition()),
              new OffsetAndMetadata(committed.offset() + 1)));
      applied = nextRecord(beforeRestart);
      consumer.process(applied, projection.handlers()).await().atMost(DEADLINE);
      // The consumer stops here, its transaction committed but not its offset.
    }
    assertThat(header(applied, EventHeaders.ID)).isEqualTo(eventId);
    assertThat(projection.attemptsOf(eventId)).isEqualTo(1);

    IdempotentConsumer restarted =
        RestartedIdempotentConsumer.create(sessionFactory, config, tracer, vertx, stalled, router);
    try (var afterRestart = groupConsumer(group, topic)) {
      ConsumerRecord<String, String> redelivered = nextRecord(afterRestart);
      assertThat(redelivered.offset()).isEqualTo(applied.offset());
      assertThat(header(redelivered, EventHeaders.ID)).isEqualTo(eventId);
      restarted.process(redelivered, projection.handlers()).await().atMost(DEADLINE);
      afterRestart.commitSync();
    }

    assertThat(projection.attemptsOf(eventId)).isEqualTo(1);
    assertThat(members(userId)).isEqualTo(1);
    assertThat(inboxRows(eventId)).isEqualTo(1);
    assertThat(projection.attemptsOf(committedEventId)).isEqualTo(1);
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

  /**
   * A member of {@code group} as a service's consumer is: subscribed, offsets committed by hand
   * only, one record per poll so that a record can be applied and not committed.
   */
  private static KafkaConsumer<String, String> groupConsumer(String group, String topic) {
    var kafkaConsumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers().kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                "1"),
            new StringDeserializer(),
            new StringDeserializer());
    kafkaConsumer.subscribe(List.of(topic));
    return kafkaConsumer;
  }

  private static ConsumerRecord<String, String> nextRecord(KafkaConsumer<String, String> consumer) {
    // A KafkaConsumer belongs to one thread: poll it on this one.
    return await()
        .atMost(DEADLINE)
        .pollInSameThread()
        .until(() -> consumer.poll(Duration.ofMillis(200)), records -> !records.isEmpty())
        .iterator()
        .next();
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
  void a_dead_lettered_record_keeps_the_trace_it_belongs_to() {
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      String poisonKey = UUID.randomUUID().toString();
      String traceId = OutboxTest.randomHex(32);
      produceRaw(
          EventingTestSupport.TOPIC,
          poisonKey,
          UUID.randomUUID().toString(),
          "UserRegistered",
          "{not json",
          "00-" + traceId + "-" + OutboxTest.randomHex(16) + "-01");

      await().atMost(DEADLINE).until(() -> dlq.withKey(poisonKey).size() == 1);
      // Whoever reads or replays the dead letter finds the trace of the event that failed.
      assertThat(header(dlq.withKey(poisonKey).get(0), "traceparent"))
          .startsWith("00-" + traceId + "-");
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
      assertThat(projection.afterCommitsOf(eventId)).isEmpty();
      assertThat(dlq.withKey(userId.toString())).isEmpty();
    }
  }
}
