package dev.tessera.testing;

import dev.tessera.contracts.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records sent to the shared Kafka as a producer's outbox connector sends them, or as one must not.
 */
public final class EventRecords {

  private EventRecords() {}

  /**
   * Sends {@code payload} to {@code topic} with the envelope headers; a {@code null} {@code
   * eventId} or {@code eventType} leaves that header out (a misbehaving producer).
   */
  public static void send(
      String topic, String key, String eventId, String eventType, String payload) {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TesseraServers.shared().kafka().bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      var record = new ProducerRecord<>(topic, key, payload);
      if (eventId != null) {
        record.headers().add(EventHeaders.ID, eventId.getBytes(StandardCharsets.UTF_8));
      }
      if (eventType != null) {
        record.headers().add(EventHeaders.EVENT_TYPE, eventType.getBytes(StandardCharsets.UTF_8));
      }
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("could not send to " + topic, e);
    }
  }
}
