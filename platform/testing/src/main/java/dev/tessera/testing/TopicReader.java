package dev.tessera.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what arrives on a topic from the moment it is opened, as an outside observer: its own
 * consumer, assigned every partition, never committing, so it never takes part in a service's
 * consumer group.
 */
public final class TopicReader implements AutoCloseable {

  private static final Duration TOPIC_DEADLINE = Duration.ofSeconds(30);

  private final KafkaConsumer<String, String> consumer;
  private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

  /** Starts reading {@code topic} at its current end; creates the topic if it does not exist. */
  public TopicReader(String bootstrapServers, String topic) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false"),
            new StringDeserializer(),
            new StringDeserializer());
    long until = System.nanoTime() + TOPIC_DEADLINE.toNanos();
    List<PartitionInfo> infos;
    // Asking for the partitions of a missing topic creates it (the servers auto-create topics).
    while ((infos = consumer.partitionsFor(topic, Duration.ofSeconds(5))) == null
        || infos.isEmpty()) {
      if (System.nanoTime() > until) {
        consumer.close();
        throw new IllegalStateException("topic " + topic + " has no partitions");
      }
    }
    List<TopicPartition> partitions =
        infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, not at the first poll
  }

  /** Polls once and returns everything received since opening. */
  public synchronized List<ConsumerRecord<String, String>> poll() {
    consumer.poll(Duration.ofMillis(100)).forEach(received::add);
    return List.copyOf(received);
  }

  /** The records received so far whose key is {@code key} (compared as a string). */
  public List<ConsumerRecord<String, String>> withKey(Object key) {
    return matching(r -> key.toString().equals(r.key()));
  }

  /** The records received so far with this key and {@code eventType} header. */
  public List<ConsumerRecord<String, String>> events(Object key, String eventType) {
    return matching(
        r -> key.toString().equals(r.key()) && eventType.equals(header(r, "eventType")));
  }

  /** The records received so far that match {@code filter}. */
  public List<ConsumerRecord<String, String>> matching(
      Predicate<ConsumerRecord<String, String>> filter) {
    return poll().stream().filter(filter).toList();
  }

  /** The value of the last header called {@code name}, as UTF-8, or null. */
  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
