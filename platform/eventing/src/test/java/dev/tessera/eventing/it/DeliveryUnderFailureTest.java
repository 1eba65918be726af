package dev.tessera.eventing.it;

import static dev.tessera.eventing.it.EventingTestSupport.TOPIC;
import static dev.tessera.eventing.it.EventingTestSupport.count;
import static dev.tessera.eventing.it.EventingTestSupport.servers;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kafka or Kafka Connect goes away while the service keeps committing: nothing is lost. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class DeliveryUnderFailureTest {

  private static final Duration RECOVERY = Duration.ofSeconds(120);

  @BeforeAll
  static void captureOutbox() {
    EventingTestSupport.captureOutbox();
  }

  @Test
  void events_committed_while_kafka_is_down_all_arrive_once_it_is_back() {
    Map<UUID, String> users = new LinkedHashMap<>();
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      users.putAll(registerMany("before-", 10));
      TesseraServers.restartable(servers().kafka()).stop();
      try {
        // No Kafka in the request path: the service keeps accepting writes.
        users.putAll(registerMany("during-", 20));
      } finally {
        TesseraServers.restartable(servers().kafka()).start();
      }
      users.putAll(registerMany("after-", 10));

      await().atMost(RECOVERY).until(() -> everyUserArrived(reader, users));
      await().atMost(RECOVERY).until(() -> appliedMembers(users) == users.size());
      assertEachAppliedOnce(users);
    }
  }

  @Test
  void events_committed_while_connect_restarts_all_arrive_and_are_applied_once() {
    Map<UUID, String> users = new LinkedHashMap<>();
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      users.putAll(registerMany("before-", 10));
      TesseraServers.restartable(servers().connect()).stop();
      try {
        users.putAll(registerMany("during-", 20));
      } finally {
        TesseraServers.restartable(servers().connect()).start();
      }
      users.putAll(registerMany("after-", 10));

      await().atMost(RECOVERY).until(() -> everyUserArrived(reader, users));
      await().atMost(RECOVERY).until(() -> appliedMembers(users) == users.size());
      assertEachAppliedOnce(users);
    }
  }

  /** Registers {@code count} users; returns their event ids by user id. */
  private static Map<UUID, String> registerMany(String prefix, int count) {
    Map<UUID, String> users = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      UUID userId = UUID.randomUUID();
      String eventId =
          given()
              .queryParam("userId", userId)
              .queryParam("displayName", prefix + i)
              .post("/registrations")
              .then()
              .statusCode(200)
              .extract()
              .asString();
      users.put(userId, eventId);
    }
    return users;
  }

  /** At least once: every committed event is on the topic (a duplicate is allowed there). */
  private static boolean everyUserArrived(TopicReader reader, Map<UUID, String> users) {
    Set<String> keys = reader.poll().stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    return users.keySet().stream().map(UUID::toString).allMatch(keys::contains);
  }

  private static int appliedMembers(Map<UUID, String> users) {
    return count(
        "select count(*) from member where user_id = any(?)",
        (Object) users.keySet().toArray(UUID[]::new));
  }

  /** Exactly once where it matters: one member row and one inbox row per event. */
  private static void assertEachAppliedOnce(Map<UUID, String> users) {
    users.forEach(
        (userId, eventId) -> {
          assertThat(EventingTestSupport.members(userId)).as("members of %s", userId).isEqualTo(1);
          assertThat(EventingTestSupport.inboxRows(eventId))
              .as("inbox of %s", eventId)
              .isEqualTo(1);
        });
  }
}
