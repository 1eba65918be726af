package dev.tessera.cache;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Configuration of a service's read caches ({@code tessera.cache.*}). */
@ConfigMapping(prefix = "tessera.cache")
public interface CacheConfig {

  /** {@code false}: every read goes to the database (to measure what the caches save). */
  @WithDefault("true")
  boolean enabled();

  /** How soon a lost subscription to the invalidation channel is tried again. */
  @WithDefault("1S")
  Duration resubscribeDelay();

  /** Per cache, by name: what differs from {@link CacheSettings#defaults()}. */
  Map<String, Spec> caches();

  /** One cache's settings; each is optional (see {@link CacheSettings} for their meaning). */
  interface Spec {
    /** In-process lifetime while invalidations are heard. */
    Optional<Duration> l1Ttl();

    /** In-process entries at most. */
    OptionalLong l1MaxSize();

    /** Lifetime in Redis. */
    Optional<Duration> l2Ttl();

    /** Lifetime of "not found". */
    Optional<Duration> negativeTtl();

    /** Random fraction by which lifetimes are shortened, 0 to 0.5. */
    OptionalDouble jitter();

    /** How long a loading instance holds a key's lease. */
    Optional<Duration> lease();

    /** Budget of one Redis command. */
    Optional<Duration> redisTimeout();

    /** In-process lifetime while invalidations cannot be heard. */
    Optional<Duration> degradedL1Ttl();

    /** How long Redis is skipped after it failed. */
    Optional<Duration> redisRetryAfter();
  }

  /** The settings of cache {@code name}: its configured values over the defaults. */
  default CacheSettings settings(String name) {
    CacheSettings d = CacheSettings.defaults();
    Spec s = caches().get(name);
    if (s == null) {
      return d;
    }
    double jitter = s.jitter().orElse(d.jitter());
    if (jitter < 0 || jitter > 0.5) {
      throw new IllegalArgumentException(
          "tessera.cache.caches." + name + ".jitter must be between 0 and 0.5");
    }
    return new CacheSettings(
        s.l1Ttl().orElse(d.l1Ttl()),
        s.l1MaxSize().orElse(d.l1MaxSize()),
        s.l2Ttl().orElse(d.l2Ttl()),
        s.negativeTtl().orElse(d.negativeTtl()),
        jitter,
        s.lease().orElse(d.lease()),
        s.redisTimeout().orElse(d.redisTimeout()),
        s.degradedL1Ttl().orElse(d.degradedL1Ttl()),
        s.redisRetryAfter().orElse(d.redisRetryAfter()));
  }
}
