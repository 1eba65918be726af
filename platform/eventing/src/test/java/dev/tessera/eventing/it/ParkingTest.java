package dev.tessera.eventing.it;

import static dev.tessera.eventing.it.EventingTestSupport.DLQ;
import static dev.tessera.eventing.it.EventingTestSupport.count;
import static dev.tessera.eventing.it.EventingTestSupport.execute;
import static dev.tessera.eventing.it.EventingTestSupport.inboxRows;
import static dev.tessera.eventing.it.EventingTestSupport.members;
import static dev.tessera.eventing.it.EventingTestSupport.produceRaw;
import static dev.tessera.eventing.it.EventingTestSupport.servers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Version skew: what this release cannot apply yet is parked with its offset, neither skipped nor
 * dead-lettered, and applied — once, in order — by a release that understands it. A record "parked
 * by an older release" is written into {@code parked_event} directly, as that release would have.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class ParkingTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String CONSUMER = "members";

  @Inject MemberProjection projection;
  @Inject IdempotentConsumer consumer;

  @Test
  void an_event_type_this_release_does_not_know_is_parked_and_the_partition_goes_on() {
    String key = UUID.randomUUID().toString();
    String eventId = UUID.randomUUID().toString();
    UUID other = UUID.randomUUID();
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      produceRaw(key, eventId, "UserRenamed", "{\"userId\":\"" + key + "\",\"name\":\"N+1\"}");
      produceRaw(
          UUID.randomUUID().toString(),
          new UserRegistered(other, "after@example.com", "After", Instant.now()),
          "UserRegistered");

      await().atMost(DEADLINE).until(() -> members(other) == 1);
      EventingTestSupport.awaitAllConsumed(DEADLINE);
      assertThat(parked(key)).isEqualTo(1);
      assertThat(
              count(
                  "select count(*) from parked_event where consumer = ? and record_key = ?"
                      + " and event_id = ? and event_type = 'UserRenamed' and payload like ?",
                  CONSUMER,
                  key,
                  eventId,
                  "%N+1%"))
          .isEqualTo(1);
      assertThat(dlq.withKey(key)).isEmpty();
    }
    // This release still does not know the type: draining leaves it where it is.
    consumer.drainParked().await().atMost(DEADLINE);
    assertThat(parked(key)).isEqualTo(1);
  }

  @Test
  void a_later_event_of_a_key_with_a_parked_event_waits_behind_it() {
    UUID userId = UUID.randomUUID();
    String key = userId.toString();
    String laterId = UUID.randomUUID().toString();
    produceRaw(key, UUID.randomUUID().toString(), "UserRenamed", "{\"userId\":\"" + key + "\"}");
    produceRaw(
        laterId,
        new UserRegistered(userId, "behind@example.com", "Behind", Instant.now()),
        "UserRegistered");

    EventingTestSupport.awaitAllConsumed(DEADLINE);
    assertThat(parked(key)).isEqualTo(2);
    assertThat(members(userId)).isZero();
    assertThat(inboxRows(laterId)).isZero();
  }

  @Test
  void parked_events_a_newer_release_knows_are_applied_in_offset_order_exactly_once() {
    String topic = "identity.user.events.parked." + UUID.randomUUID();
    UUID userId = UUID.randomUUID();
    String registeredId = UUID.randomUUID().toString();
    // An older release parked these: a type it did not know, then the next event of the key.
    park(topic, 7, userId.toString(), registeredId, "UserRegistered", registered(userId, "First"));
    park(
        topic,
        9,
        userId.toString(),
        UUID.randomUUID().toString(),
        "UserSuspended",
        EventCodec.toJson(new UserSuspended(userId, "abuse", Instant.now())));
    // And a key whose first parked event this release does not know either.
    UUID waiting = UUID.randomUUID();
    park(topic, 8, waiting.toString(), UUID.randomUUID().toString(), "UserRenamed", "{}");
    park(
        topic,
        10,
        waiting.toString(),
        UUID.randomUUID().toString(),
        "UserRegistered",
        registered(waiting, "Waiting"));

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              consumer.drainParked().await().atMost(DEADLINE);
              assertThat(parked(userId.toString())).isZero();
            });
    assertThat(members(userId)).isEqualTo(1);
    assertThat(inboxRows(registeredId)).isEqualTo(1);
    assertThat(projection.attemptsOf(registeredId)).isEqualTo(1);
    // Applied from the parked rows, it is followed by the consumer's after-commit step too.
    assertThat(projection.afterCommitsOf(registeredId)).containsExactly(true);
    assertThat(parked(waiting.toString())).isEqualTo(2);
    assertThat(members(waiting)).isZero();

    // Parked again by a consumer that had not committed its offset: the inbox row holds.
    park(topic, 7, userId.toString(), registeredId, "UserRegistered", registered(userId, "First"));
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              consumer.drainParked().await().atMost(DEADLINE);
              assertThat(parked(userId.toString())).isZero();
            });
    assertThat(members(userId)).isEqualTo(1);
    assertThat(projection.attemptsOf(registeredId)).isEqualTo(1);
    assertThat(projection.afterCommitsOf(registeredId)).containsExactly(true);
  }

  @Test
  void an_event_its_handler_does_not_understand_yet_is_parked_and_applied_once_understood() {
    UUID userId = UUID.randomUUID();
    String eventId = UUID.randomUUID().toString();
    String displayName = "needs-release-" + UUID.randomUUID();
    try (var dlq = new TopicReader(servers().kafka().bootstrapServers(), DLQ)) {
      produceRaw(
          eventId,
          new UserRegistered(userId, "later@example.com", displayName, Instant.now()),
          "UserRegistered");

      await().atMost(DEADLINE).until(() -> parked(userId.toString()) == 1);
      EventingTestSupport.awaitAllConsumed(DEADLINE);
      assertThat(members(userId)).isZero();
      assertThat(dlq.withKey(userId)).isEmpty();
    }

    projection.fix(displayName);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              consumer.drainParked().await().atMost(DEADLINE);
              assertThat(members(userId)).isEqualTo(1);
            });
    assertThat(parked(userId.toString())).isZero();
    assertThat(inboxRows(eventId)).isEqualTo(1);
  }

  private static int parked(String key) {
    return count(
        "select count(*) from parked_event where consumer = ? and record_key = ?", CONSUMER, key);
  }

  private static String registered(UUID userId, String displayName) {
    return EventCodec.toJson(
        new UserRegistered(userId, userId + "@example.com", displayName, Instant.now()));
  }

  private static void park(
      String topic, long offset, String key, String eventId, String type, String payload) {
    execute(
        "insert into parked_event (consumer, topic, kafka_partition, kafka_offset, record_key,"
            + " event_id, event_type, payload, reason) values (?, ?, 0, ?, ?, ?, ?, ?, 'test')"
            + " on conflict do nothing",
        CONSUMER,
        topic,
        offset,
        key,
        eventId,
        type,
        payload);
  }
}
