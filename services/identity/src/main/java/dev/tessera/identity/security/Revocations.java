package dev.tessera.identity.security;

import dev.tessera.identity.persistence.IdentityStore;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Token revocation in Redis, shared with the gateway. The keys are a contract (see the module's
 * README and docs/security.md): {@code revoked:jti:<jti>} (one token), {@code revoked:sid:<sid>}
 * (every token of a session), {@code revoked:user:<sub>} (an epoch-seconds cut-off: tokens with
 * {@code iat} before it are revoked). Each entry lives until the latest {@code exp} it covers plus
 * the clock skew verifiers accept; each write is announced on {@value #CHANNEL}, and kept in
 * identity's database too, from which {@link RevocationSeeder} re-seeds a Redis that lost it.
 */
@ApplicationScoped
public class Revocations {

  /** Prefix of a revoked token id. */
  public static final String JTI_PREFIX = "revoked:jti:";

  /** Prefix of a revoked session id. */
  public static final String SID_PREFIX = "revoked:sid:";

  /** Prefix of a user-wide cut-off. */
  public static final String USER_PREFIX = "revoked:user:";

  /** Exists whenever Redis holds every live revocation; no Redis that lost its data has it. */
  public static final String SEEDED = "revocations:seeded";

  /** The channel gateways listen on: one message per entry written. */
  public static final String CHANNEL = "tessera:revocations";

  private final ReactiveValueCommands<String, String> values;
  private final ReactivePubSubCommands<String> pubsub;
  private final IdentityStore store;
  private final Duration clockSkew;

  Revocations(
      ReactiveRedisDataSource redis,
      IdentityStore store,
      @ConfigProperty(name = "tessera.revocation.clock-skew", defaultValue = "PT30S")
          Duration clockSkew) {
    this.values = redis.value(String.class, String.class);
    this.pubsub = redis.pubsub(String.class);
    this.store = store;
    this.clockSkew = clockSkew;
  }

  /** Revokes one token, whose {@code exp} is {@code expiresAt}. */
  public Uni<Void> revokeToken(Mutiny.Session session, String jti, Instant expiresAt) {
    return write(session, JTI_PREFIX + jti, "1", expiresAt, "jti:" + jti);
  }

  /** Revokes every token of a session; none of them expires after {@code latestExpiry}. */
  public Uni<Void> revokeSession(Mutiny.Session session, UUID sid, Instant latestExpiry) {
    return write(session, SID_PREFIX + sid, "1", latestExpiry, "sid:" + sid);
  }

  /**
   * Revokes every token of {@code userId} issued before {@code cutoff}; such a token expires at the
   * latest one access-token lifetime after the cut-off.
   */
  public Uni<Void> cutOff(
      Mutiny.Session session, UUID userId, Instant cutoff, Duration accessTokenTtl) {
    String seconds = Long.toString(cutoff.getEpochSecond());
    return write(
        session,
        USER_PREFIX + userId,
        seconds,
        cutoff.plus(accessTokenTtl),
        "user:" + userId + ":" + seconds);
  }

  /**
   * Whether a token ({@code jti}, {@code sid}, {@code sub}, {@code iat}) is revoked; fails when
   * Redis cannot tell (unreachable, or not re-seeded since it lost its data).
   */
  public Uni<Boolean> isRevoked(String jti, String sid, String userId, long issuedAtEpochSeconds) {
    String jtiKey = JTI_PREFIX + jti;
    String sidKey = SID_PREFIX + sid;
    String userKey = USER_PREFIX + userId;
    return values
        .mget(jtiKey, sidKey, userKey, SEEDED)
        .map(
            (Map<String, String> found) -> {
              if (found.get(SEEDED) == null) {
                throw new IllegalStateException("Redis has not been seeded with the revocations");
              }
              if (found.get(jtiKey) != null || (sid != null && found.get(sidKey) != null)) {
                return true;
              }
              String cutoff = found.get(userKey);
              return cutoff != null && issuedAtEpochSeconds < Long.parseLong(cutoff);
            });
  }

  /** Puts one entry in Redis (no announcement), as the seeder does. */
  Uni<Void> put(String key, String value, Instant until, Instant now) {
    return values.setex(key, Math.max(1, until.getEpochSecond() - now.getEpochSecond() + 1), value);
  }

  // In the caller's transaction: the durable copy first, then Redis; a failure of either rolls the
  // change back, so a change is never committed with its tokens still alive.
  private Uni<Void> write(
      Mutiny.Session session, String key, String value, Instant latestExpiry, String message) {
    Instant until = latestExpiry.plus(clockSkew);
    return store
        .saveRevocation(session, key, value, until)
        .chain(() -> put(key, value, until, Instant.now()))
        .chain(() -> pubsub.publish(CHANNEL, message));
  }
}
