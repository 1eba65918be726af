package dev.tessera.gateway.ratelimit;

/**
 * A rate limiter's answer.
 *
 * @param allowed whether the request may pass
 * @param limit the bucket's capacity ({@code RateLimit-Limit})
 * @param remaining whole tokens left ({@code RateLimit-Remaining})
 * @param retryAfterMillis when a refused request could pass
 * @param resetSeconds until the bucket is full again ({@code RateLimit-Reset})
 */
public record Decision(
    boolean allowed, long limit, long remaining, long retryAfterMillis, long resetSeconds) {

  /** {@code Retry-After} in whole seconds, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfterMillis + 999) / 1000);
  }
}
