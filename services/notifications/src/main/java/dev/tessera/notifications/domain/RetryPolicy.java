package dev.tessera.notifications.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * When to try an e-mail again after a failed attempt: exponential backoff, capped, and a bounded
 * number of attempts.
 *
 * @param initialBackoff delay after the first failed attempt
 * @param maxBackoff upper bound of any delay
 * @param maxAttempts attempts in all before the e-mail is given up
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, int maxAttempts) {

  /** Checks the bounds. */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative()
        || initialBackoff.isZero()
        || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("0 < initialBackoff <= maxBackoff");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  /** Whether another attempt may follow attempt number {@code attempt} (1-based). */
  public boolean mayRetryAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /** The delay before the attempt that follows failed attempt number {@code attempt} (1-based). */
  public Duration delayAfter(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 30));
    Duration delay = initialBackoff.multipliedBy(1L << doublings);
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }
}
