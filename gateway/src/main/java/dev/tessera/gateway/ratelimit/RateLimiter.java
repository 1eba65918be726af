package dev.tessera.gateway.ratelimit;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.redis.PipelinedRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The gateway's rate limiter: the shared Redis buckets, or — while Redis cannot answer within its
 * deadline — this instance's own buckets, so the gateway keeps serving (counted in {@code
 * gateway_ratelimit_fallback_total}).
 */
@ApplicationScoped
public class RateLimiter {

  private static final Logger LOG = Logger.getLogger(RateLimiter.class);

  private final GatewayConfig.RateLimit config;
  private final RedisTokenBuckets shared;
  private final LocalTokenBuckets local = new LocalTokenBuckets();
  private final Counter fallbacks;
  private final Counter rejected;
  private volatile boolean degraded;

  RateLimiter(GatewayConfig config, PipelinedRedis redis, MeterRegistry registry) {
    this.config = config.rateLimit();
    this.shared = new RedisTokenBuckets(redis);
    this.fallbacks =
        Counter.builder("gateway.ratelimit.fallback")
            .description("Rate-limit decisions taken by the local limiter because Redis failed")
            .register(registry);
    this.rejected =
        Counter.builder("gateway.ratelimit.rejected")
            .description("Requests refused with 429")
            .register(registry);
  }

  /** The limit of {@code group}, or of {@code default}; empty: not limited. */
  public Optional<GatewayConfig.Limit> limitOf(String group) {
    if (!config.enabled()) {
      return Optional.empty();
    }
    GatewayConfig.Limit limit = config.groups().get(group);
    return Optional.ofNullable(limit != null ? limit : config.groups().get("default"));
  }

  /**
   * Takes a token for {@code subject} (e.g. {@code user:<sub>} or {@code ip:<address>}) in {@code
   * group}; an empty item when the group is not limited.
   */
  public Future<Optional<Decision>> check(String group, String subject) {
    return check(group, subject, 1);
  }

  /**
   * Whether {@code subject} has a token left in {@code group}, without taking it: a check before
   * work that is charged only if it fails.
   */
  public Future<Optional<Decision>> peek(String group, String subject) {
    return check(group, subject, 0);
  }

  private Future<Optional<Decision>> check(String group, String subject, int cost) {
    Optional<GatewayConfig.Limit> found = limitOf(group);
    if (found.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    GatewayConfig.Limit limit = found.get();
    String key = group + ":" + subject;
    return shared
        .take(
            key, limit.capacity(), limit.refillPerSecond(), cost, config.redisTimeout().toMillis())
        .onSuccess(
            ignored -> {
              if (degraded) {
                degraded = false;
                LOG.info("Redis answers again: rate limits are shared across instances");
              }
            })
        .otherwise(
            failure -> {
              fallbacks.increment();
              if (!degraded) {
                degraded = true;
                LOG.warnf(
                    "Redis unavailable for rate limiting (%s): limiting per instance", failure);
              }
              return local.take(key, limit.capacity(), limit.refillPerSecond(), cost);
            })
        .map(
            decision -> {
              if (!decision.allowed() && cost > 0) {
                rejected.increment();
              }
              return Optional.of(decision);
            });
  }
}
