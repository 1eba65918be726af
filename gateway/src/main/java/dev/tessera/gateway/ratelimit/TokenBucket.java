package dev.tessera.gateway.ratelimit;

/**
 * Token-bucket arithmetic, shared by the in-memory fallback and mirrored line for line by the Redis
 * Lua script ({@code ratelimit/token-bucket.lua}).
 *
 * <p>A bucket holds at most {@code capacity} tokens and gains {@code refillPerSecond} tokens a
 * second; a request takes one token or is refused.
 */
public final class TokenBucket {

  private TokenBucket() {}

  /** A bucket's stored state: its tokens at {@code atMicros}. */
  public record State(double tokens, long atMicros) {}

  /** The outcome of one take, with the new state to store. */
  public record Outcome(State state, Decision decision) {}

  /**
   * Takes one token from a bucket in {@code state} (null: a new, full bucket) at {@code nowMicros}.
   */
  public static Outcome take(State state, long nowMicros, long capacity, double refillPerSecond) {
    return take(state, nowMicros, capacity, refillPerSecond, 1);
  }

  /**
   * Takes {@code cost} tokens (1, or 0 to ask whether a request would pass without taking) if at
   * least one is there.
   */
  public static Outcome take(
      State state, long nowMicros, long capacity, double refillPerSecond, int cost) {
    double tokens;
    if (state == null) {
      tokens = capacity;
    } else {
      long elapsed = Math.max(0, nowMicros - state.atMicros());
      tokens = Math.min(capacity, state.tokens() + elapsed * refillPerSecond / 1_000_000d);
    }
    boolean allowed = tokens >= 1d;
    if (allowed) {
      tokens -= cost;
    }
    long retryAfterMillis = allowed ? 0 : (long) Math.ceil((1d - tokens) / refillPerSecond * 1000d);
    long resetSeconds = (long) Math.ceil((capacity - tokens) / refillPerSecond);
    return new Outcome(
        new State(tokens, nowMicros),
        new Decision(allowed, capacity, (long) Math.floor(tokens), retryAfterMillis, resetSeconds));
  }

  /** How long an idle bucket must be kept: until it would be full again, plus a second. */
  public static long ttlMillis(long capacity, double refillPerSecond) {
    return (long) Math.ceil(capacity / refillPerSecond * 1000d) + 1000;
  }
}
