package dev.tessera.eventing.it;

import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.servers.Servers;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraServers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** What the eventing tests share: the connector, direct reads of the test database, raw records. */
final class EventingTestSupport {

  static final String SERVICE = "identity";
  static final String TOPIC = "identity.user.events";
  static final String DLQ = "identity.user.events.eventing-test.dlq";

  private EventingTestSupport() {}

  static Servers servers() {
    return TesseraServers.shared();
  }

  /** Starts capture of the test service's outbox, with the service's real connector config. */
  static void captureOutbox() {
    OutboxCapture.start(SERVICE);
  }

  /** Rows of {@code member} for a user: the consumer's side effect. */
  static int members(UUID userId) {
    return count("select count(*) from member where user_id = ?", userId);
  }

  /** Inbox rows of the test consumer for an event. */
  static int inboxRows(String eventId) {
    return count(
        "select count(*) from inbox where consumer = 'members' and event_id = ?",
        UUID.fromString(eventId));
  }

  static String memberTraceId(UUID userId) {
    try (Connection c = connect();
        PreparedStatement p = c.prepareStatement("select trace_id from member where user_id = ?")) {
      p.setObject(1, userId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a {@code select count(*)} with the given parameters on the test database. */
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

  /** Runs an insert, update or delete with the given parameters on the test database. */
  static void execute(String sql, Object... parameters) {
    try (Connection c = connect();
        PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        p.setObject(i + 1, parameters[i]);
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a record to the topic as a misbehaving or duplicating producer would. */
  static void produceRaw(String key, String eventId, String eventType, String payload) {
    produceRaw(TOPIC, key, eventId, eventType, payload);
  }

  /** Sends a record to {@code topic}, which Kafka creates if it does not exist yet. */
  static void produceRaw(
      String topic, String key, String eventId, String eventType, String payload) {
    produceRaw(topic, key, eventId, eventType, payload, null);
  }

  /** Sends a record to {@code topic} with a {@code traceparent} header (unless null). */
  static void produceRaw(
      String topic,
      String key,
      String eventId,
      String eventType,
      String payload,
      String traceparent) {
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
      if (traceparent != null) {
        record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
      }
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not produce", e);
    }
  }

  static void produceRaw(String eventId, IntegrationEvent event, String eventType) {
    produceRaw(TOPIC, eventId, event, eventType);
  }

  static void produceRaw(String topic, String eventId, IntegrationEvent event, String eventType) {
    produceRaw(topic, event.aggregateId(), eventId, eventType, EventCodec.toJson(event));
  }

  /** The consumer groups of the test application's two channels on {@link #TOPIC}. */
  static List<String> consumerGroups() {
    return List.of(
        config("mp.messaging.incoming.users.group.id"),
        config("mp.messaging.incoming.users-replay.group.id"));
  }

  /** The dead-letter topics of the test application's two channels. */
  static List<String> deadLetterTopics() {
    return List.of(
        config("mp.messaging.incoming.users.dead-letter-queue.topic"),
        config("mp.messaging.incoming.users-replay.dead-letter-queue.topic"));
  }

  /**
   * Waits until both channels have committed offsets up to the end of {@link #TOPIC}. The connector
   * commits a record only once it is done with it (applied, skipped, or sent to the dead-letter
   * topic), so after this nothing of the topic is still being handled.
   */
  static void awaitAllConsumed(Duration deadline) {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers().kafka().bootstrapServers()))) {
      await()
          .atMost(deadline)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> consumedToEnd(admin, consumerGroups()));
    }
  }

  private static boolean consumedToEnd(Admin admin, List<String> groups)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest =
        admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().stream()
            .collect(
                Collectors.toMap(
                    p -> new TopicPartition(TOPIC, p.partition()), p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
    for (String group : groups) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      for (var end : ends.entrySet()) {
        OffsetAndMetadata offset = committed.get(end.getKey());
        if (offset == null || offset.offset() < end.getValue().offset()) {
          return false;
        }
      }
    }
    return true;
  }

  static Connection connect() throws SQLException {
    return servers()
        .postgres()
        .connect(
            database(),
            new dev.tessera.servers.Credentials(
                config("quarkus.datasource.username"), config("quarkus.datasource.password")));
  }

  /** The name of the test application's database. */
  static String database() {
    String url = config("quarkus.datasource.jdbc.url");
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private static String config(String key) {
    return ConfigProvider.getConfig().getValue(key, String.class);
  }
}
