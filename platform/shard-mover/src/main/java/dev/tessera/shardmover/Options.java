package dev.tessera.shardmover;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a move waits and batches, and where the source's outbox connector confirms what it has sent.
 * {@link #defaults()} is what the CLI uses; tests shorten the waits.
 *
 * @param lockTimeout how long the fence waits for the writes in flight on the range to finish; new
 *     writes wait behind it meanwhile, so it bounds that part of the pause. On timeout nothing has
 *     changed and the move fails (run it again)
 * @param copyTimeout how long the initial copy and catching up with the source may take
 * @param cutoverTimeout how long, after the fence, replication and the outbox connector may take to
 *     pass the cut-over position; writes to the range are refused meanwhile. On timeout the source
 *     gets the range back and the move fails (run it again)
 * @param verifyBeforeFenceTimeout how long the check before the fence tries to see equal counts and
 *     checksums while writes run; a check that never agrees is logged, not fatal: the check after
 *     the fence is the one that counts
 * @param deleteBatchSize rows deleted from the source per statement after the move
 * @param outboxService the service whose outbox connector streams the source ({@code orders})
 * @param outboxSlot the connector's slot on the source; {@code null} for {@code
 *     OutboxConnector(outboxService, source).slotName()}
 * @param awaitOutbox whether to wait for that slot at all. Only {@code false} where no connector
 *     runs (tests of the move alone); otherwise events of the range could reach Kafka after the
 *     target's for the same users
 * @param unsafe negative controls for tests: each breaks a guarantee of the move on purpose. Empty
 *     unless a caller names them; the CLI never does
 */
public record Options(
    Duration lockTimeout,
    Duration copyTimeout,
    Duration cutoverTimeout,
    Duration verifyBeforeFenceTimeout,
    int deleteBatchSize,
    String outboxService,
    String outboxSlot,
    boolean awaitOutbox,
    Set<Unsafe> unsafe) {

  /**
   * Ways to break a move on purpose, so that an end-to-end test can show that its checks see the
   * breakage (a negative control). Never for a real move: each loses or duplicates data.
   */
  public enum Unsafe {
    /**
     * No fence: no advisory locks, no wait for writes in flight, for replication or for the outbox
     * connector; the leases are flipped at once and the source's rows deleted. A write in flight on
     * the source is lost or left behind on a database that no longer owns its shard.
     */
    SKIP_WRITE_FENCE,
    /**
     * Publishes the {@code outbox} too (whole, as it has no shard column): the target applies the
     * source's outbox inserts, and the target's own connector would publish those events a second
     * time.
     */
    PUBLISH_OUTBOX
  }

  public Options {
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    Objects.requireNonNull(copyTimeout, "copyTimeout");
    Objects.requireNonNull(cutoverTimeout, "cutoverTimeout");
    Objects.requireNonNull(verifyBeforeFenceTimeout, "verifyBeforeFenceTimeout");
    Objects.requireNonNull(outboxService, "outboxService");
    if (deleteBatchSize < 1) {
      throw new IllegalArgumentException("deleteBatchSize must be at least 1");
    }
    unsafe = unsafe.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(unsafe));
  }

  /** A real move's settings: waits for the orders outbox connector of the source. */
  public static Options defaults() {
    return new Options(
        Duration.ofSeconds(2),
        Duration.ofHours(2),
        Duration.ofMinutes(2),
        Duration.ofSeconds(3),
        5_000,
        "orders",
        null,
        true,
        Set.of());
  }

  /** These options with another fence lock timeout. */
  public Options withLockTimeout(Duration value) {
    return new Options(
        value,
        copyTimeout,
        cutoverTimeout,
        verifyBeforeFenceTimeout,
        deleteBatchSize,
        outboxService,
        outboxSlot,
        awaitOutbox,
        unsafe);
  }

  /** These options with other copy and cut-over timeouts. */
  public Options withTimeouts(Duration copy, Duration cutover) {
    return new Options(
        lockTimeout,
        copy,
        cutover,
        verifyBeforeFenceTimeout,
        deleteBatchSize,
        outboxService,
        outboxSlot,
        awaitOutbox,
        unsafe);
  }

  /** These options with another batch size for deleting the source's rows. */
  public Options withDeleteBatchSize(int value) {
    return new Options(
        lockTimeout,
        copyTimeout,
        cutoverTimeout,
        verifyBeforeFenceTimeout,
        value,
        outboxService,
        outboxSlot,
        awaitOutbox,
        unsafe);
  }

  /** These options waiting for the outbox connector slot {@code slot} on the source. */
  public Options withOutboxSlot(String slot) {
    return new Options(
        lockTimeout,
        copyTimeout,
        cutoverTimeout,
        verifyBeforeFenceTimeout,
        deleteBatchSize,
        outboxService,
        Objects.requireNonNull(slot, "slot"),
        true,
        unsafe);
  }

  /**
   * These options not waiting for any outbox connector: only where none runs (a test of the move
   * alone). A move that skips the wait logs a warning.
   */
  public Options withoutOutboxConnector() {
    return new Options(
        lockTimeout,
        copyTimeout,
        cutoverTimeout,
        verifyBeforeFenceTimeout,
        deleteBatchSize,
        outboxService,
        null,
        false,
        unsafe);
  }

  /** These options with the negative controls {@code breakages}: for tests only. */
  public Options unsafe(Unsafe... breakages) {
    return new Options(
        lockTimeout,
        copyTimeout,
        cutoverTimeout,
        verifyBeforeFenceTimeout,
        deleteBatchSize,
        outboxService,
        outboxSlot,
        awaitOutbox,
        breakages.length == 0 ? Set.of() : EnumSet.of(breakages[0], breakages));
  }
}
