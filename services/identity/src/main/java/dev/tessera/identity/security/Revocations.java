package dev.tessera.identity.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Token revocation in Redis, shared with the gateway. The key formats are a contract (see the
 * module's README): {@code revoked:jti:<jti>} exists → that token is revoked; {@code
 * revoked:user:<sub>} holds an epoch-seconds cut-off, tokens with {@code iat} before it are
 * revoked. Every entry expires once no token it could revoke is still alive.
 */
@ApplicationScoped
public class Revocations {

  /** Prefix of a revoked token id. */
  public static final String JTI_PREFIX = "revoked:jti:";

  /** Prefix of a user-wide cut-off. */
  public static final String USER_PREFIX = "revoked:user:";

  private final ReactiveValueCommands<String, String> values;

  Revocations(ReactiveRedisDataSource redis) {
    this.values = redis.value(String.class, String.class);
  }

  /** Revokes one token for the rest of its life. */
  public Uni<Void> revokeToken(String jti, long remainingSeconds) {
    return values.setex(JTI_PREFIX + jti, Math.max(1, remainingSeconds), "1");
  }

  /**
   * Revokes every token of {@code userId} issued before {@code cutoff}; the entry lives as long as
   * the longest-lived token it could still revoke, plus a minute of clock skew.
   */
  public Uni<Void> cutOff(String userId, Instant cutoff, Duration accessTokenTtl) {
    long ttl = accessTokenTtl.toSeconds() + 60;
    return values.setex(USER_PREFIX + userId, ttl, Long.toString(cutoff.getEpochSecond()));
  }

  /** Whether a token ({@code jti}, {@code sub}, {@code iat}) is revoked. */
  public Uni<Boolean> isRevoked(String jti, String userId, long issuedAtEpochSeconds) {
    String jtiKey = JTI_PREFIX + jti;
    String userKey = USER_PREFIX + userId;
    return values
        .mget(jtiKey, userKey)
        .map(
            (Map<String, String> found) -> {
              if (found.get(jtiKey) != null) {
                return true;
              }
              String cutoff = found.get(userKey);
              return cutoff != null && issuedAtEpochSeconds < Long.parseLong(cutoff);
            });
  }
}
