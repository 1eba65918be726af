package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.DEADLINE;
import static dev.tessera.notifications.it.TestSupport.mailTo;
import static dev.tessera.notifications.it.TestSupport.newUser;
import static dev.tessera.notifications.it.TestSupport.produce;
import static dev.tessera.notifications.it.TestSupport.servers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.orders.OrderConfirmed;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A record the consumer can never read goes to the channel's dead-letter topic, and no further. */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class DeadLetterTest {

  private static final String DLQ = "orders.order.events.notifications.dlq";

  @Test
  void a_malformed_order_event_is_dead_lettered_and_the_next_event_is_processed() {
    UserRegistered user = newUser("After");
    produce(EventTypes.USER_REGISTERED, UUID.randomUUID(), user);
    await().atMost(DEADLINE).until(() -> mailTo(user.email()).size() == 1);
    UUID orderId = UUID.randomUUID();
    String poisonKey = orderId.toString();
    // An OrderConfirmed whose payload is not JSON.
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers().kafka().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      var record = new ProducerRecord<>("orders.order.events", poisonKey, "{not json");
      record
          .headers()
          .add(EventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
      record
          .headers()
          .add(EventHeaders.EVENT_TYPE, "OrderConfirmed".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    // Same key, same partition: it comes after the poison record.
    produce(
        EventTypes.ORDER_CONFIRMED,
        UUID.randomUUID(),
        new OrderConfirmed(orderId, user.userId(), UUID.randomUUID(), Instant.now()));

    try (var dlq =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers().kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      dlq.subscribe(List.of(DLQ));
      List<ConsumerRecord<String, String>> found = new ArrayList<>();
      await()
          .atMost(DEADLINE)
          .until(
              () -> {
                dlq.poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (poisonKey.equals(r.key())) {
                            found.add(r);
                          }
                        });
                return !found.isEmpty();
              });
      var reason = found.get(0).headers().lastHeader("dead-letter-reason");
      assertThat(reason).isNotNull();
      assertThat(new String(reason.value(), StandardCharsets.UTF_8))
          .contains("not a valid OrderConfirmed");
    }
    await().atMost(DEADLINE).until(() -> mailTo(user.email(), "confirmed").size() == 1);
  }
}
