package dev.tessera.eventing.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records being retried right now: while one is, its partition makes no progress. Readiness
 * ({@link EventConsumersCheck}) lists them; the gauges {@code tessera_eventing_stalled_records} and
 * {@code tessera_eventing_stalled_seconds} (age of the oldest) and the counters {@code
 * tessera_eventing_retries_total} and {@code tessera_eventing_dead_letters_total} expose them to
 * alerts.
 */
@ApplicationScoped
public class StalledRecords {

  private final Set<Stall> stalls = ConcurrentHashMap.newKeySet();
  private final MeterRegistry meters;

  StalledRecords(MeterRegistry meters) {
    this.meters = meters;
    Gauge.builder("tessera.eventing.stalled.records", stalls, Set::size)
        .description("Records whose consumer is retrying them; their partitions wait")
        .register(meters);
    Gauge.builder("tessera.eventing.stalled.seconds", this, StalledRecords::oldestSeconds)
        .description("Seconds since the first failure of the longest-retried record")
        .register(meters);
  }

  /** The records being retried now, oldest first. */
  public List<Stall> current() {
    return stalls.stream().sorted((a, b) -> a.since().compareTo(b.since())).toList();
  }

  Stall begin(String consumer, ConsumerRecord<?, ?> record) {
    Stall stall =
        new Stall(consumer, record.topic(), record.partition(), record.offset(), Instant.now());
    stalls.add(stall);
    return stall;
  }

  void end(Stall stall) {
    stalls.remove(stall);
  }

  void retried(String consumer, FailureKind kind) {
    Counter.builder("tessera.eventing.retries")
        .description("Failed attempts to apply an event that are retried")
        .tags("consumer", consumer, "failure", kind.name().toLowerCase())
        .register(meters)
        .increment();
  }

  void parked(String consumer) {
    Counter.builder("tessera.eventing.parked")
        .description("Records parked for a release that understands them (docs/adr/0002)")
        .tag("consumer", consumer)
        .register(meters)
        .increment();
  }

  void deadLettered(String consumer) {
    Counter.builder("tessera.eventing.dead.letters")
        .description("Records given up on and sent to the dead-letter topic")
        .tag("consumer", consumer)
        .register(meters)
        .increment();
  }

  private double oldestSeconds() {
    Instant now = Instant.now();
    return stalls.stream()
        .mapToDouble(s -> Duration.between(s.since(), now).toMillis() / 1000.0)
        .max()
        .orElse(0);
  }

  /** A record of a partition that waits for its consumer to apply it. */
  public static final class Stall {
    private final String consumer;
    private final String topic;
    private final int partition;
    private final long offset;
    private final Instant since;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile String lastFailure = "";

    Stall(String consumer, String topic, int partition, long offset, Instant since) {
      this.consumer = consumer;
      this.topic = topic;
      this.partition = partition;
      this.offset = offset;
      this.since = since;
    }

    void failed(Throwable failure) {
      failures.incrementAndGet();
      lastFailure = failure.toString();
    }

    /** The consumer name, the topic-partition and the offset of the waiting record. */
    public String position() {
      return consumer + " " + topic + "-" + partition + "@" + offset;
    }

    /** When the first attempt failed. */
    public Instant since() {
      return since;
    }

    /** Failed attempts so far. */
    public int failures() {
      return failures.get();
    }

    /** The latest failure, as {@code Throwable.toString()}. */
    public String lastFailure() {
      return lastFailure;
    }
  }
}
