package dev.tessera.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter topics ({@code <topic>.<consumer group>.dlq}) of a Kafka cluster: lists them and
 * replays them.
 *
 * <p>A replay re-produces each record to its original topic, with its key, value and headers (the
 * {@code dead-letter-*} ones dropped, a {@code tessera-replayed-from} one added). Every consumer of
 * that topic receives it again and applies it once: consumers de-duplicate by event id. What was
 * replayed is the committed offset of the consumer group {@value #REPLAY_GROUP} on the dead-letter
 * topic, committed only after the records before it were acknowledged by Kafka: a second replay
 * finds nothing new, and one interrupted half-way re-produces at most the records after the last
 * commit, which the consumers drop as duplicates.
 */
public final class DeadLetterQueues {

  /** The consumer group whose offsets on a dead-letter topic mark what was replayed. */
  public static final String REPLAY_GROUP = "tessera-dlq-replay";

  /** The suffix of every dead-letter topic. */
  public static final String SUFFIX = ".dlq";

  static final String REPLAYED_FROM = "tessera-replayed-from";
  private static final String ORIGINAL_TOPIC = "dead-letter-topic";
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Map<String, Object> kafka;

  /** Works on the cluster that {@code kafka} (client properties, bootstrap included) reaches. */
  public DeadLetterQueues(Map<String, Object> kafka) {
    this.kafka = Map.copyOf(kafka);
  }

  /** Every dead-letter topic with its records, replayed or not, by topic name. */
  public Map<String, List<DeadLetter>> list() {
    Map<String, List<DeadLetter>> topics = new TreeMap<>();
    try (Admin admin = Admin.create(kafka)) {
      for (String topic : admin.listTopics().names().get()) {
        if (topic.endsWith(SUFFIX)) {
          topics.put(topic, read(topic));
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not list the topics", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return topics;
  }

  /** The records of one dead-letter topic, oldest first per partition. */
  public List<DeadLetter> read(String dlqTopic) {
    requireDeadLetterTopic(dlqTopic);
    List<DeadLetter> letters = new ArrayList<>();
    try (var consumer = consumer()) {
      Map<TopicPartition, Long> replayedUpTo = new HashMap<>();
      List<TopicPartition> partitions = partitions(consumer, dlqTopic);
      consumer
          .committed(java.util.Set.copyOf(partitions), TIMEOUT)
          .forEach((tp, offset) -> replayedUpTo.put(tp, offset == null ? 0 : offset.offset()));
      consumer.seekToBeginning(partitions);
      drain(
          consumer,
          partitions,
          record ->
              letters.add(
                  deadLetter(
                      record, record.offset() < replayedUpTo.getOrDefault(partition(record), 0L))));
    }
    return letters;
  }

  /**
   * Re-produces the records of {@code dlqTopic} not replayed yet to their original topics; returns
   * how many it re-produced.
   */
  public int replay(String dlqTopic) {
    requireDeadLetterTopic(dlqTopic);
    int replayed = 0;
    try (var consumer = consumer();
        var producer =
            new KafkaProducer<>(
                with(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5)),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      List<TopicPartition> partitions = partitions(consumer, dlqTopic);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
      for (var entry : consumer.committed(java.util.Set.copyOf(partitions), TIMEOUT).entrySet()) {
        if (entry.getValue() == null) {
          consumer.seekToBeginning(List.of(entry.getKey()));
        } else {
          consumer.seek(entry.getKey(), entry.getValue().offset());
        }
      }
      while (!reached(consumer, ends)) {
        var records = consumer.poll(POLL);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (record.offset() >= ends.get(partition(record))) {
            continue; // dead-lettered after the replay began: the next replay's
          }
          sent.add(producer.send(replayOf(record)));
          done.put(partition(record), new OffsetAndMetadata(record.offset() + 1));
        }
        for (Future<RecordMetadata> send : sent) {
          send.get();
        }
        if (!done.isEmpty()) {
          consumer.commitSync(done, TIMEOUT);
        }
        replayed += sent.size();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not re-produce a record of " + dlqTopic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return replayed;
  }

  private static ProducerRecord<byte[], byte[]> replayOf(ConsumerRecord<byte[], byte[]> record) {
    String original = header(record.headers(), ORIGINAL_TOPIC);
    if (original == null) {
      throw new IllegalStateException(
          position(record) + " has no " + ORIGINAL_TOPIC + " header: not a dead letter");
    }
    // No partition: the key picks it, as for the original, so a key's records stay together.
    var replay = new ProducerRecord<>(original, record.key(), record.value());
    for (Header header : record.headers()) {
      if (!header.key().startsWith("dead-letter-")) {
        replay.headers().add(header);
      }
    }
    replay
        .headers()
        .remove(REPLAYED_FROM)
        .add(REPLAYED_FROM, position(record).getBytes(StandardCharsets.UTF_8));
    return replay;
  }

  private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, boolean replayed) {
    Headers h = record.headers();
    return new DeadLetter(
        position(record),
        header(h, ORIGINAL_TOPIC)
            + "-"
            + header(h, "dead-letter-partition")
            + "@"
            + header(h, "dead-letter-offset"),
        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
        header(h, "id"),
        header(h, "eventType"),
        header(h, "dead-letter-reason"),
        replayed);
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        with(
            Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, REPLAY_GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private Map<String, Object> with(Map<String, Object> extra) {
    Map<String, Object> properties = new HashMap<>(kafka);
    properties.putAll(extra);
    return properties;
  }

  /** Assigns (no subscription, so no rebalance) every partition of {@code topic}. */
  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    var infos = consumer.partitionsFor(topic, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("no topic " + topic);
    }
    List<TopicPartition> partitions =
        infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    return partitions;
  }

  private static void drain(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
    while (!reached(consumer, ends)) {
      for (var record : consumer.poll(POLL)) {
        if (record.offset() < ends.get(partition(record))) {
          each.accept(record);
        }
      }
    }
  }

  private static boolean reached(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream()
        .allMatch(end -> consumer.position(end.getKey(), TIMEOUT) >= end.getValue());
  }

  private static void requireDeadLetterTopic(String topic) {
    if (topic == null || !topic.endsWith(SUFFIX)) {
      throw new IllegalArgumentException("not a dead-letter topic (*" + SUFFIX + "): " + topic);
    }
  }

  private static TopicPartition partition(ConsumerRecord<?, ?> record) {
    return new TopicPartition(record.topic(), record.partition());
  }

  private static String position(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
