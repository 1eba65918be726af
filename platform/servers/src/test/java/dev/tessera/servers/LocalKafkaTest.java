package dev.tessera.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Its own broker, so that stopping it cannot disturb the Connect tests. */
class LocalKafkaTest {

  private static LocalKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    Path dir =
        Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "kafka-test-");
    kafka = new LocalKafka(dir, false);
    kafka.start();
  }

  @AfterAll
  static void closeKafka() {
    kafka.close();
  }

  @Test
  void a_broker_for_tests_compiles_for_a_quick_start_by_default() {
    assertThat(kafka.jvmOptions()).contains("-XX:TieredStopAtLevel=1");
  }

  @Test
  void a_produced_record_can_be_consumed() throws Exception {
    String topic = "kt-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, "key-1", "value-1")).get(30, TimeUnit.SECONDS);
    }

    assertThat(consumeAll(topic, 1)).containsExactly("key-1=value-1");
  }

  @Test
  void a_stopped_broker_refuses_records_and_a_restarted_one_still_has_the_earlier_ones()
      throws Exception {
    String topic = "kt-restart-" + UUID.randomUUID();
    int port = kafka.port();
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, "before", "stop")).get(30, TimeUnit.SECONDS);
    }

    kafka.stop();

    try (KafkaProducer<String, String> producer = producer()) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(topic, "during", "stop"))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }

    kafka.start();

    assertThat(kafka.port()).isEqualTo(port);
    assertThat(consumeAll(topic, 1)).containsExactly("before=stop");
  }

  private static KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            // A stopped broker makes send() fail after this long instead of the default minute.
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000,
            ProducerConfig.LINGER_MS_CONFIG, 0),
        new StringSerializer(),
        new StringSerializer());
  }

  private static List<String> consumeAll(String topic, int expected) {
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "kt-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  seen.add(r.key() + "=" + r.value());
                }
                return seen.size() >= expected;
              });
    }
    return seen;
  }
}
