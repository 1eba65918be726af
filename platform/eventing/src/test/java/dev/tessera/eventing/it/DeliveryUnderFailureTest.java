package dev.tessera.eventing.it;

import static dev.tessera.eventing.it.EventingTestSupport.TOPIC;
import static dev.tessera.eventing.it.EventingTestSupport.count;
import static dev.tessera.eventing.it.EventingTestSupport.produceRaw;
import static dev.tessera.eventing.it.EventingTestSupport.servers;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.servers.Restartable;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka or Kafka Connect goes away while the service keeps committing, or the consumer's database
 * while events arrive: nothing is lost, nothing is dead-lettered.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = EventingTestSupport.SERVICE))
class DeliveryUnderFailureTest {

  private static final String STALLED = "members " + TOPIC + "-";
  private static final Logger LOG = Logger.getLogger(DeliveryUnderFailureTest.class);
  private static final Duration RECOVERY = Duration.ofSeconds(120);

  /**
   * How long the database refuses connections: far longer than the retries the consumer used to
   * make before dead-lettering (4 attempts within a second in this application, about 3 s with the
   * services' settings), as a CloudNativePG failover (30-60 s) is.
   */
  private static final Duration OUTAGE = Duration.ofSeconds(15);

  /** Registrations per phase of the mid-stream test, on top of those already in flight. */
  private static final int PER_PHASE = 10;

  @Inject MemberProjection projection;

  @BeforeAll
  static void captureOutbox() {
    EventingTestSupport.captureOutbox();
  }

  @Test
  void events_committed_while_kafka_is_down_all_arrive_once_it_is_back() {
    Map<UUID, String> users = new LinkedHashMap<>();
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC);
        var deadLetters = new DeadLetters()) {
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
      assertEachAppliedOnce(reader, deadLetters, users);
    }
  }

  @Test
  void events_committed_while_connect_restarts_mid_stream_all_arrive_and_are_applied_once() {
    Restartable connect = TesseraServers.restartable(servers().connect());
    Map<UUID, String> users;
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC);
        var deadLetters = new DeadLetters()) {
      try (var registrations = new Registrations("mid-stream-")) {
        // Connect is streaming: events are captured and applied while more are committed.
        await().atMost(RECOVERY).until(() -> appliedMembers(registrations.since(0)) >= PER_PHASE);
        connect.stop();
        try {
          int whileDown = registrations.count();
          // Connect is not in the request path: writes keep committing while it is away.
          await().atMost(RECOVERY).until(() -> registrations.count() >= whileDown + PER_PHASE);
        } finally {
          connect.start();
        }
        int afterRestart = registrations.count();
        // Capture resumes while writes go on: events committed after the restart are applied.
        await()
            .atMost(RECOVERY)
            .until(() -> appliedMembers(registrations.since(afterRestart)) >= PER_PHASE);
        users = registrations.since(0);
      }

      await().atMost(RECOVERY).until(() -> everyUserArrived(reader, users));
      await().atMost(RECOVERY).until(() -> appliedMembers(users) == users.size());
      assertEachAppliedOnce(reader, deadLetters, users);
    }
  }

  @Test
  void
      events_that_arrive_while_the_database_refuses_connections_are_applied_once_when_it_is_back() {
    Map<UUID, String> users = new LinkedHashMap<>();
    try (var reader = new TopicReader(servers().kafka().bootstrapServers(), TOPIC);
        var deadLetters = new DeadLetters()) {
      Set<String> keys;
      try (var outage = new DatabaseOutage()) {
        for (int i = 0; i < 10; i++) {
          UUID userId = UUID.randomUUID();
          String eventId = UUID.randomUUID().toString();
          produceRaw(
              eventId,
              new UserRegistered(userId, userId + "@example.com", "outage-" + i, Instant.now()),
              "UserRegistered");
          users.put(userId, eventId);
        }
        keys = users.keySet().stream().map(UUID::toString).collect(Collectors.toSet());

        // Readiness names the waiting partition, a gauge counts it; the instance stays live.
        await()
            .atMost(RECOVERY)
            .until(() -> stalledPositions().stream().anyMatch(p -> p.startsWith(STALLED)));
        await().atMost(RECOVERY).until(() -> metric("tessera_eventing_stalled_records") >= 1);
        given().get("/q/health/live").then().statusCode(200);

        // Far longer than the old retries: nothing is applied, and nothing is given up on.
        await()
            .during(OUTAGE)
            .atMost(OUTAGE.plus(RECOVERY))
            .untilAsserted(
                () -> {
                  assertThat(deadLetters.withKeyIn(keys)).as("dead-lettered records").isEmpty();
                  assertThat(users.values()).allMatch(id -> projection.attemptsOf(id) == 0);
                });
      }

      await().atMost(RECOVERY).until(() -> appliedMembers(users) == users.size());
      assertEachAppliedOnce(reader, deadLetters, users);
      await().atMost(RECOVERY).until(() -> stalledPositions().isEmpty());
      assertThat(metric("tessera_eventing_stalled_records")).isZero();
    }
  }

  /** The positions that readiness reports as waiting on a retried record. */
  private static List<String> stalledPositions() {
    Map<String, Object> data =
        given()
            .get("/q/health/ready")
            .then()
            .extract()
            .jsonPath()
            .getMap("checks.find { it.name == 'event-consumers' }.data");
    return data.keySet().stream().filter(key -> !key.equals("stalledRecords")).toList();
  }

  /** The value of a metric without tags on the Prometheus endpoint. */
  private static double metric(String name) {
    Matcher value =
        Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? (\\S+)$")
            .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
    assertThat(value.find()).as(name + " on /q/metrics").isTrue();
    return Double.parseDouble(value.group(1));
  }

  /** Registers {@code count} users; returns their event ids by user id. */
  private static Map<UUID, String> registerMany(String prefix, int count) {
    Map<UUID, String> users = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      UUID userId = UUID.randomUUID();
      users.put(userId, register(userId, prefix + i));
    }
    return users;
  }

  /** Registers a user; returns the id of the event recorded with it. */
  private static String register(UUID userId, String displayName) {
    return given()
        .queryParam("userId", userId)
        .queryParam("displayName", displayName)
        .post("/registrations")
        .then()
        .statusCode(200)
        .extract()
        .asString();
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

  /**
   * Exactly once where it matters: once both channels are done with the topic, the handler ran once
   * per event although each event reached it at least twice (once per channel, more if the
   * connector sent it again), and nothing was dead-lettered. Row counts alone could not show this:
   * the primary keys of {@code member} and {@code inbox} keep a second application from adding a
   * row, it would fail, be retried and end on the dead-letter topic instead.
   */
  private void assertEachAppliedOnce(
      TopicReader reader, DeadLetters deadLetters, Map<UUID, String> users) {
    EventingTestSupport.awaitAllConsumed(RECOVERY);

    Set<String> keys = users.keySet().stream().map(UUID::toString).collect(Collectors.toSet());
    long onTopic = reader.poll().stream().filter(r -> keys.contains(r.key())).count();
    LOG.infof("%d events, %d records of them on %s", users.size(), onTopic, TOPIC);

    Map<String, Integer> deliveredOnce = new LinkedHashMap<>();
    Map<String, Integer> notAppliedOnce = new LinkedHashMap<>();
    users
        .values()
        .forEach(
            eventId -> {
              if (projection.deliveriesOf(eventId) < 2) {
                deliveredOnce.put(eventId, projection.deliveriesOf(eventId));
              }
              if (projection.attemptsOf(eventId) != 1) {
                notAppliedOnce.put(eventId, projection.attemptsOf(eventId));
              }
            });
    assertThat(deliveredOnce).as("events not received on both channels").isEmpty();
    assertThat(notAppliedOnce).as("handler runs of events not applied exactly once").isEmpty();
    assertThat(deadLetters.withKeyIn(keys)).as("dead-lettered records").isEmpty();
    assertThat(appliedMembers(users)).as("member rows").isEqualTo(users.size());
    assertThat(
            count(
                "select count(*) from inbox where consumer = 'members' and event_id = any(?)",
                (Object) users.values().stream().map(UUID::fromString).toArray(UUID[]::new)))
        .as("inbox rows")
        .isEqualTo(users.size());
  }

  /**
   * The test database refuses new connections and its sessions are ended, as during a failover;
   * Debezium's replication connection is left alone: this outage is the consumer's.
   */
  private static final class DatabaseOutage implements AutoCloseable {
    private final String database = EventingTestSupport.database();

    DatabaseOutage() {
      execute("alter database \"" + database + "\" with allow_connections false");
      execute(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
              + database
              + "' and backend_type = 'client backend'");
    }

    @Override
    public void close() {
      execute("alter database \"" + database + "\" with allow_connections true");
    }

    private static void execute(String sql) {
      try (Connection c = servers().postgres().connectAsSuperuser("postgres");
          Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException(sql, e);
      }
    }
  }

  /** Reads the dead-letter topics of both channels from the moment it is opened. */
  private static final class DeadLetters implements AutoCloseable {
    private final List<TopicReader> readers = new ArrayList<>();

    DeadLetters() {
      for (String topic : EventingTestSupport.deadLetterTopics()) {
        readers.add(new TopicReader(servers().kafka().bootstrapServers(), topic));
      }
    }

    /** The dead-lettered records whose key (the user id) is one of {@code keys}. */
    List<ConsumerRecord<String, String>> withKeyIn(Set<String> keys) {
      return readers.stream()
          .flatMap(reader -> reader.matching(r -> keys.contains(r.key())).stream())
          .toList();
    }

    @Override
    public void close() {
      readers.forEach(TopicReader::close);
    }
  }

  /**
   * Registers users one after another on a thread of its own, until closed: writes that go on while
   * a server is stopped and started.
   */
  private static final class Registrations implements AutoCloseable {
    private static final Duration PACE = Duration.ofMillis(50);

    private final String prefix;
    private final List<Map.Entry<UUID, String>> registered = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ScheduledExecutorService writer =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "registrations"));

    Registrations(String prefix) {
      this.prefix = prefix;
      writer.scheduleWithFixedDelay(this::registerOne, 0, PACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many users were registered so far; fails if a registration failed. */
    synchronized int count() {
      requireNoFailure();
      return registered.size();
    }

    /** The users registered from the {@code from}-th on, with their event ids. */
    synchronized Map<UUID, String> since(int from) {
      requireNoFailure();
      Map<UUID, String> users = new LinkedHashMap<>();
      registered.subList(from, registered.size()).forEach(e -> users.put(e.getKey(), e.getValue()));
      return users;
    }

    private void registerOne() {
      try {
        UUID userId = UUID.randomUUID();
        String eventId = register(userId, prefix + userId);
        synchronized (this) {
          registered.add(Map.entry(userId, eventId));
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
        throw e;
      }
    }

    private void requireNoFailure() {
      if (failure.get() != null) {
        throw new AssertionError("a registration failed", failure.get());
      }
    }

    @Override
    public void close() {
      writer.shutdown();
      try {
        if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
          throw new AssertionError("the registrations did not stop");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while stopping the registrations", e);
      }
      requireNoFailure();
    }
  }
}
