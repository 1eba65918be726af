package dev.tessera.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Token buckets in this instance's memory: the fallback while Redis cannot answer. Each instance
 * limits on its own, so N instances together admit up to N times the configured rate.
 */
public final class LocalTokenBuckets {

  private final Cache<String, TokenBucket.State[]> buckets;
  private final LongSupplier clockMicros;

  /** Buckets on the system clock. */
  public LocalTokenBuckets() {
    this(() -> System.nanoTime() / 1000);
  }

  /** Buckets on {@code clockMicros} (tests). */
  public LocalTokenBuckets(LongSupplier clockMicros) {
    this.clockMicros = clockMicros;
    // Idle buckets are full again after capacity/rate; ten minutes covers any sane limit.
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
  }

  /** Takes a token from the bucket {@code key}. */
  public Decision take(String key, long capacity, double refillPerSecond) {
    return take(key, capacity, refillPerSecond, 1);
  }

  /** Takes {@code cost} tokens (1, or 0: only asks) from the bucket {@code key}. */
  public Decision take(String key, long capacity, double refillPerSecond, int cost) {
    TokenBucket.State[] holder = buckets.get(key, k -> new TokenBucket.State[1]);
    synchronized (holder) {
      TokenBucket.Outcome outcome =
          TokenBucket.take(holder[0], clockMicros.getAsLong(), capacity, refillPerSecond, cost);
      holder[0] = outcome.state();
      return outcome.decision();
    }
  }
}
