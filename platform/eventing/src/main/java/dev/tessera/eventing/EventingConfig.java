package dev.tessera.eventing;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the outbox writer and the idempotent consumer ({@code tessera.eventing.*}). */
@ConfigMapping(prefix = "tessera.eventing")
public interface EventingConfig {

  /** The service this application is; it may only record the event types that service owns. */
  String service();

  /**
   * How a failing event handler is retried (see {@code FailureKind} for which failure is which).
   */
  Retry retry();

  /** How long applied event ids are remembered for de-duplication. */
  Inbox inbox();

  /** Change data capture of the outbox: the replication slot Debezium reads it through. */
  Capture capture();

  /** The outbox table itself. */
  Outbox outbox();

  /** Records parked for a release that understands them (docs/adr/0002). */
  Parking parking();

  /** How the Kafka consumers join their groups ({@code ConsumerMembership}). */
  Consumers consumers();

  /** Group membership of the Kafka consumers. */
  interface Consumers {
    /**
     * An id of this instance that stays the same when it restarts (the launcher's {@code
     * orders-2}); set, the consumers are static members of their groups. Leave it unset where
     * instances get new names on every restart (Kubernetes Deployments).
     */
    Optional<String> instanceId();

    /**
     * Session timeout of a static member: how long its partitions wait for it to come back before
     * they are handed to the others. Longer than a restart, short enough for a member gone for
     * good.
     */
    @WithDefault("20s")
    Duration staticSessionTimeout();
  }

  /** When parked records are applied. */
  interface Parking {
    /**
     * How often parked records are looked at for one this release can apply; also the first look
     * after start. Records parked by an older release are applied within about this long of a newer
     * one starting.
     */
    @WithDefault("5s")
    Duration drainEvery();
  }

  /** Retry of failed attempts, with capped exponential backoff and jitter. */
  interface Retry {
    /**
     * Attempts that fail for an unexplained reason (a handler bug), the first included; then the
     * record is dead-lettered. Transient failures (a dependency unavailable) do not count: they are
     * retried for as long as it takes.
     */
    @WithDefault("5")
    int maxAttempts();

    /** Delay before the first retry; it doubles on every further one. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** Upper bound of the delay between two attempts. */
    @WithDefault("5s")
    Duration maxBackoff();
  }

  /** De-duplication records. */
  interface Inbox {
    /**
     * How long an applied event id is kept. It must exceed the retention of every consumed topic,
     * or a redelivery older than this would be applied again.
     */
    @WithDefault("P14D")
    Duration retention();
  }

  /** The outbox table's upkeep. */
  interface Outbox {
    /**
     * How often committed outbox rows are deleted ({@code OutboxSweep}), as a Quarkus scheduler
     * interval ({@code 2s}), or {@code off}. Rows wait up to this long in the table; Debezium has
     * read them from the WAL already.
     */
    @WithDefault("2s")
    String sweepEvery();
  }

  /** The outbox's logical replication slot, which the service creates and watches. */
  interface Capture {
    /** Name of the slot; the connector's {@code slot.name} (platform/cdc OutboxConnector). */
    @WithDefault("tessera_${tessera.eventing.service}_outbox")
    String slot();

    /**
     * Readiness goes down when the slot holds back more WAL than this (a connector that stopped
     * reading): well below the server's {@code max_slot_wal_keep_size}, so an operator hears of it
     * before the slot is invalidated.
     */
    @WithDefault("1G")
    MemorySize maxRetainedWal();
  }
}
