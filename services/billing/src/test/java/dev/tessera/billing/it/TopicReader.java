package dev.tessera.billing.it;

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

/** Reads what arrives on a topic from the moment it is opened, as an outside observer. */
final class TopicReader implements AutoCloseable {

  private final KafkaConsumer<String, String> consumer;
  private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

  /** Starts reading {@code topic} at its current end. */
  TopicReader(String bootstrapServers, String topic) {
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
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<PartitionInfo> infos;
    // The topic may not exist yet: asking for its partitions creates it (auto-create is on).
    while ((infos = consumer.partitionsFor(topic, Duration.ofSeconds(5))) == null
        || infos.isEmpty()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("topic " + topic + " has no partitions");
      }
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now, not at the first poll
  }

  /** Polls once and returns everything received since opening. */
  synchronized List<ConsumerRecord<String, String>> poll() {
    consumer.poll(Duration.ofMillis(100)).forEach(received::add);
    return List.copyOf(received);
  }

  /** The records received so far that match {@code filter}. */
  List<ConsumerRecord<String, String>> matching(Predicate<ConsumerRecord<String, String>> filter) {
    return poll().stream().filter(filter).toList();
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
