package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The events on a system's topics, read from the beginning to their end as a test sees them. */
final class TopicEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One record of an event topic: the outbox row's id, type, key and payload, where it was.
   *
   * @param partition the topic and partition it is on
   * @param offset its offset there
   */
  record Event(
      UUID id, String type, String key, JsonNode payload, TopicPartition partition, long offset) {

    /** The order it is about: the key of an order's event, the payload's for a payment's. */
    String order() {
      return type.startsWith("Order") ? key : payload.path("orderId").asText();
    }
  }

  private TopicEvents() {}

  /** Every record of {@code topics}, from the beginning to their current end, in each's order. */
  static List<Event> readAll(String bootstrapServers, List<String> topics) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<Event> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions =
          topics.stream()
              .flatMap(
                  t ->
                      consumer.partitionsFor(t).stream()
                          .map(i -> new TopicPartition(t, i.partition())))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      await()
          .alias("read " + topics + " to their end")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                  events.add(
                      new Event(
                          UUID.fromString(header(r, "id")),
                          header(r, "eventType"),
                          r.key(),
                          payload(r.value()),
                          new TopicPartition(r.topic(), r.partition()),
                          r.offset()));
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
              });
    }
    return events;
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header %s of %s", name, record).isNotNull();
    String value = new String(header.value(), StandardCharsets.UTF_8);
    // Debezium's string converter may quote header values.
    return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }

  private static JsonNode payload(String value) throws Exception {
    JsonNode node = JSON.readTree(value);
    // The payload column is jsonb: the converter may hand it on as a JSON string.
    return node.isTextual() ? JSON.readTree(node.asText()) : node;
  }
}
