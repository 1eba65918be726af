package dev.tessera.billing.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * When a payment the provider could not take is tried again: exponential backoff with jitter,
 * bounded in delay and, for charges, in attempts.
 *
 * @param initialBackoff delay after the first failed attempt
 * @param maxBackoff upper bound of any delay
 * @param maxAttempts attempts of a charge in all; after that it fails with {@code
 *     provider_unavailable}
 * @param jitter fraction of the delay that is randomised (0 to 1), so replicas do not retry in step
 */
public record RetryPolicy(
    Duration initialBackoff, Duration maxBackoff, int maxAttempts, double jitter) {

  /** Rejects a policy that could never retry or would retry at once forever. */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must not be below initialBackoff");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
  }

  /**
   * The delay before the next attempt, after {@code attempts} attempts have failed.
   *
   * @param random a number in [0, 1) that picks the jitter
   */
  public Duration delayAfter(int attempts, double random) {
    int exponent = Math.max(0, attempts - 1);
    // In doubles: 2^exponent overflows a long long before it stops mattering.
    double capped =
        Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() * Math.pow(2, exponent));
    // Jitter only shortens the delay, so maxBackoff stays a true upper bound.
    long delay = Math.round(capped * (1 - jitter * random));
    return Duration.ofMillis(Math.max(1, delay));
  }

  /** Whether a charge that has been attempted {@code attempts} times must now be given up. */
  public boolean exhausted(int attempts) {
    return attempts >= maxAttempts;
  }
}
