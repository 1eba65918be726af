package dev.tessera.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.redis.PipelinedRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Token revocation as identity records it in Redis: {@code revoked:jti:<jti>} exists → that token
 * is dead; {@code revoked:user:<sub>} holds an epoch-seconds cut-off, and tokens issued before it
 * are dead. One {@code MGET} per token, with a short local cache in front (so a revocation takes
 * effect within {@code revocation.cache-ttl}).
 */
@ApplicationScoped
public class Revocations {

  /** Key prefix of a revoked token id. */
  public static final String JTI_PREFIX = "revoked:jti:";

  /** Key prefix of a user's cut-off. */
  public static final String USER_PREFIX = "revoked:user:";

  private final PipelinedRedis redis;
  private final GatewayConfig.Revocation config;
  private final Cache<String, Boolean> cache;

  Revocations(PipelinedRedis redis, GatewayConfig config) {
    this.redis = redis;
    this.config = config.revocation();
    this.cache =
        Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(this.config.cacheTtl()).build();
  }

  /** Whether {@code principal}'s token is revoked; fails when Redis cannot tell in time. */
  public Future<Boolean> isRevoked(Principal principal) {
    Boolean cached = cache.getIfPresent(principal.tokenId());
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return redis
        .send(
            Request.cmd(Command.MGET)
                .arg(JTI_PREFIX + principal.tokenId())
                .arg(USER_PREFIX + principal.subject()),
            config.redisTimeout().toMillis())
        .map(
            r -> {
              boolean revoked = revoked(r, principal.issuedAt());
              cache.put(principal.tokenId(), revoked);
              return revoked;
            });
  }

  /** Whether a token issued at {@code issuedAt} is dead given the MGET answer {@code r}. */
  static boolean revoked(Response r, long issuedAt) {
    if (r.get(0) != null) {
      return true;
    }
    Response cutoff = r.get(1);
    if (cutoff == null) {
      return false;
    }
    try {
      return issuedAt < Long.parseLong(cutoff.toString().trim());
    } catch (NumberFormatException e) {
      // An unreadable cut-off is identity's bug; refusing is the safe reading.
      return true;
    }
  }
}
