package dev.tessera.eventing.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * The event-delivery SLI (docs/slo.md): {@code tessera_eventing_delivery_seconds{consumer,topic}},
 * from the record's timestamp to the moment its consumer is done with it (applied, already applied
 * or not its type). The outbox's EventRouter stamps each record with the time Debezium captured the
 * committed row, so this is commit → consumed whenever capture keeps up; while it does not, the
 * slot's own alerts (TesseraOutboxSlot*) fire. The buckets include the objective's 1 s exactly.
 */
@ApplicationScoped
public class DeliveryMetrics {

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5)
  };

  private final MeterRegistry meters;
  private final Set<String> consumers = ConcurrentHashMap.newKeySet();

  DeliveryMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /**
   * Makes the consumer's dead-letter and retry counters exist at 0 from its first record on: a
   * counter that appears only at its first increment hides that increment from {@code increase()},
   * and so from the dead-letter alert and the event-path dashboard. Same names, tags and
   * descriptions as {@link StalledRecords} increments.
   */
  void seen(String consumer) {
    if (consumers.add(consumer)) {
      Counter.builder("tessera.eventing.dead.letters")
          .description("Records given up on and sent to the dead-letter topic")
          .tag("consumer", consumer)
          .register(meters);
      for (FailureKind kind : List.of(FailureKind.TRANSIENT, FailureKind.UNEXPLAINED)) {
        Counter.builder("tessera.eventing.retries")
            .description("Failed attempts to apply an event that are retried")
            .tags("consumer", consumer, "failure", kind.name().toLowerCase())
            .register(meters);
      }
    }
  }

  /** Records that {@code consumer} is done with {@code record}, successfully. */
  void delivered(String consumer, ConsumerRecord<?, ?> record) {
    if (record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE || record.timestamp() <= 0) {
      return;
    }
    long millis = Math.max(0, System.currentTimeMillis() - record.timestamp());
    Timer.builder("tessera.eventing.delivery")
        .description("Seconds from an event's capture from the outbox to its consumer being done")
        .tags("consumer", consumer, "topic", record.topic())
        .serviceLevelObjectives(BUCKETS)
        .register(meters)
        .record(Duration.ofMillis(millis));
  }
}
