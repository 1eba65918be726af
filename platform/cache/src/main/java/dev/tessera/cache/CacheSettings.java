package dev.tessera.cache;

import java.time.Duration;

/**
 * How one cache behaves: its tiers' lifetimes, its negative entries, its lease and its Redis
 * budget.
 *
 * @param l1Ttl how long an entry lives in process (while invalidations are heard)
 * @param l1MaxSize how many entries the process keeps at most
 * @param l2Ttl how long an entry lives in Redis; also bounds staleness after a lost invalidation
 * @param negativeTtl how long "not found" is remembered (both tiers)
 * @param jitter each TTL is shortened by a random fraction up to this (0 to 0.5), so entries
 *     written together do not expire together
 * @param lease how long a loader holds a key's lease in Redis; other instances wait for its value
 *     at most this long, then load themselves
 * @param redisTimeout how long one Redis command may take before the cache goes on without it
 * @param degradedL1Ttl the in-process lifetime while invalidations cannot be heard (Redis away):
 *     the bound on how stale another instance's copy can be then
 * @param redisRetryAfter after a Redis failure, how long the cache skips Redis before trying again
 */
public record CacheSettings(
    Duration l1Ttl,
    long l1MaxSize,
    Duration l2Ttl,
    Duration negativeTtl,
    double jitter,
    Duration lease,
    Duration redisTimeout,
    Duration degradedL1Ttl,
    Duration redisRetryAfter) {

  /** Sensible defaults for a hot read kept fresh by invalidations. */
  public static CacheSettings defaults() {
    return new CacheSettings(
        Duration.ofMinutes(5),
        10_000,
        Duration.ofMinutes(10),
        Duration.ofSeconds(30),
        0.1,
        Duration.ofSeconds(2),
        Duration.ofMillis(250),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1));
  }

  /** A copy with another in-process lifetime. */
  public CacheSettings withL1Ttl(Duration ttl) {
    return new CacheSettings(
        ttl,
        l1MaxSize,
        l2Ttl,
        negativeTtl,
        jitter,
        lease,
        redisTimeout,
        degradedL1Ttl,
        redisRetryAfter);
  }

  /** A copy with another lease. */
  public CacheSettings withLease(Duration newLease) {
    return new CacheSettings(
        l1Ttl,
        l1MaxSize,
        l2Ttl,
        negativeTtl,
        jitter,
        newLease,
        redisTimeout,
        degradedL1Ttl,
        redisRetryAfter);
  }
}
