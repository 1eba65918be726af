package dev.tessera.eventing.it;

import static dev.tessera.eventing.it.EventingTestSupport.DLQ;
import static dev.tessera.eventing.it.EventingTestSupport.TOPIC;
import static dev.tessera.eventing.it.EventingTestSupport.inboxRows;
import static dev.tessera.eventing.it.EventingTestSupport.members;
import static dev.tessera.eventing.it.EventingTestSupport.produceRaw;
import static dev.tessera.eventing.it.EventingTestSupport.servers;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.deadletters.DeadLetter;
import dev.tessera.deadletters.DeadLetterQueues;
import dev.tessera.deadletters.DeadLetterTool;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * A record dead-lettered by a handler bug is listed with its reason and origin, and once the bug is
 * fixed a replay (what {@code ./tessera dlq replay} and the chart's Job run) applies it once.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class DeadLetterReplayTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Inject MemberProjection projection;

  @Test
  void
      a_replay_applies_a_dead_lettered_record_once_after_the_fix_and_a_second_replay_changes_nothing() {
    Map<String, Object> kafka =
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers().kafka().bootstrapServers());
    var queues = new DeadLetterQueues(kafka);
    UUID userId = UUID.randomUUID();
    String eventId = UUID.randomUUID().toString();
    String displayName = "needs-fix-" + userId;
    try (var topic = new TopicReader(servers().kafka().bootstrapServers(), TOPIC)) {
      produceRaw(
          eventId,
          new UserRegistered(userId, "fix@example.com", displayName, Instant.now()),
          "UserRegistered");

      // Both channels give up on it: one dead letter on each channel's topic.
      List<String> dlqs = EventingTestSupport.deadLetterTopics();
      await()
          .atMost(DEADLINE)
          .ignoreExceptions() // a dead-letter topic is created with its first record
          .until(() -> waiting(queues, dlqs, eventId).size() == 2);
      DeadLetter letter = waiting(queues, List.of(DLQ), eventId).stream().findFirst().orElseThrow();
      assertThat(letter.reason()).contains("gave up after").contains("not fixed yet");
      assertThat(letter.origin()).matches(TOPIC + "-\\d+@\\d+");
      assertThat(letter.eventType()).isEqualTo("UserRegistered");
      assertThat(letter.key()).isEqualTo(userId.toString());
      assertThat(members(userId)).isZero();
      int failedAttempts = projection.attemptsOf(eventId);
      // What `./tessera dlq` prints.
      assertThat(tool(kafka, "list"))
          .contains(DLQ + ": ")
          .contains(letter.position() + "  from " + letter.origin())
          .contains("UserRegistered " + eventId)
          .contains("reason: gave up after");

      projection.fix(displayName);
      assertThat(tool(kafka, "replay", dlqs.get(0), dlqs.get(1)))
          .contains(dlqs.get(0) + ": re-produced")
          .contains(dlqs.get(1) + ": re-produced");

      // Re-produced once per dead letter; applied once, by one channel: the rest are duplicates.
      await().atMost(DEADLINE).until(() -> members(userId) == 1);
      await().atMost(DEADLINE).until(() -> topic.withKey(userId.toString()).size() == 3);
      await().atMost(DEADLINE).until(() -> projection.deliveriesOf(eventId) == 2 + 2 * 2);
      assertThat(projection.attemptsOf(eventId)).isEqualTo(failedAttempts + 1);
      assertThat(inboxRows(eventId)).isEqualTo(1);
      assertThat(waiting(queues, dlqs, eventId)).as("not replayed").isEmpty();

      dlqs.forEach(queues::replay);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(DEADLINE)
          .until(() -> topic.withKey(userId.toString()).size() == 3);
      assertThat(projection.attemptsOf(eventId)).isEqualTo(failedAttempts + 1);
      assertThat(members(userId)).isEqualTo(1);
    }
  }

  /**
   * Runs the command line that {@code ./tessera dlq} and the chart's Job run; returns its output.
   */
  private static String tool(Map<String, Object> kafka, String... args) {
    var out = new ByteArrayOutputStream();
    assertThat(DeadLetterTool.run(List.of(args), kafka, new PrintStream(out, true, UTF_8)))
        .isZero();
    return out.toString(UTF_8);
  }

  /** The dead letters of this event on {@code topics} that were not replayed yet. */
  private static List<DeadLetter> waiting(
      DeadLetterQueues queues, List<String> topics, String eventId) {
    return topics.stream()
        .flatMap(t -> queues.read(t).stream())
        .filter(l -> eventId.equals(l.eventId()) && !l.replayed())
        .toList();
  }
}
