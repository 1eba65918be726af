package dev.tessera.shardmover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a move did: its phases with their durations, how long writes to the range were held back,
 * and what the final verification saw.
 *
 * @param first the range's first shard
 * @param last the range's last shard
 * @param source the database the range came from
 * @param target the database that owns it now
 * @param resumedFrom where an earlier, interrupted move of the range was picked up ({@code null}
 *     for a fresh move)
 * @param phases each phase that ran, in order, with its duration
 * @param writePause from asking for the fence's locks to the target owning the range: how long a
 *     write to the range waited or was refused ({@link Duration#ZERO} when resumed after the fence)
 * @param lockWait the part of {@code writePause} spent waiting for writes in flight
 * @param cutoverLsn the source's WAL position right after the fence committed
 * @param publishedTables the tables the move's publication held (never {@code outbox}, unless the
 *     {@link Options.Unsafe#PUBLISH_OUTBOX} negative control asked for it)
 * @param verified per table, the rows and checksum of the range both databases agreed on after the
 *     fence (empty when the fence was skipped)
 * @param rowsDeleted rows of the range deleted from the source afterwards
 * @param unsafe the negative controls this move ran with
 * @param total the whole move's duration
 */
public record MoveReport(
    int first,
    int last,
    String source,
    String target,
    Phase resumedFrom,
    List<PhaseTiming> phases,
    Duration writePause,
    Duration lockWait,
    String cutoverLsn,
    List<String> publishedTables,
    Map<String, TableDigest> verified,
    long rowsDeleted,
    Set<Options.Unsafe> unsafe,
    Duration total) {

  /** One phase and how long it took. */
  public record PhaseTiming(Phase phase, Duration took, String detail) {}

  /** A table's rows of the range: how many, and an order-independent checksum of their text. */
  public record TableDigest(long rows, String checksum) {}

  /** A phase's duration, or {@code null} when it did not run. */
  public Duration took(Phase phase) {
    return phases.stream()
        .filter(p -> p.phase() == phase)
        .map(PhaseTiming::took)
        .findFirst()
        .orElse(null);
  }

  /** One line per phase, then the pause: what the CLI prints at the end. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "moved shards %d-%d from %s to %s in %d ms%s%n",
            first,
            last,
            source,
            target,
            total.toMillis(),
            resumedFrom == null ? "" : " (resumed at " + resumedFrom + ")"));
    for (PhaseTiming p : phases) {
      out.append(String.format("  %-24s %7d ms  %s%n", p.phase(), p.took().toMillis(), p.detail()));
    }
    out.append(
        String.format(
            "writes to the range paused %d ms (%d ms of it waiting for writes in flight);"
                + " cut-over at %s; %d rows deleted from %s%n",
            writePause.toMillis(), lockWait.toMillis(), cutoverLsn, rowsDeleted, source));
    return out.toString();
  }
}
