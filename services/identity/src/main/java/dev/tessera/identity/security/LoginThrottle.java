package dev.tessera.identity.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Slows down password guessing: after {@code max-failures} failed log-ins for one e-mail address
 * within the window, further attempts for it are refused until the window ends — whether the
 * address exists or not, and whether the next password is right or not, so the refusal tells an
 * attacker nothing. Counters live in Redis (shared by all instances) under {@code
 * login:failures:<sha256(email)>}, so addresses are not stored in clear.
 *
 * <p>Redis unavailable: the throttle fails open (log-in keeps working) and says so in the log.
 */
@ApplicationScoped
public class LoginThrottle {

  private static final Logger LOG = Logger.getLogger(LoginThrottle.class);
  private static final String PREFIX = "login:failures:";

  private final ReactiveValueCommands<String, Long> counters;
  private final ReactiveKeyCommands<String> keys;
  private final int maxFailures;
  private final Duration window;

  LoginThrottle(
      ReactiveRedisDataSource redis,
      @ConfigProperty(name = "tessera.identity.login.max-failures", defaultValue = "10")
          int maxFailures,
      @ConfigProperty(name = "tessera.identity.login.failure-window", defaultValue = "PT15M")
          Duration window) {
    this.counters = redis.value(String.class, Long.class);
    this.keys = redis.key(String.class);
    this.maxFailures = maxFailures;
    this.window = window;
  }

  /** Seconds until {@code email} may try again, or 0 if it may try now. */
  public Uni<Long> retryAfter(String normalisedEmail) {
    String key = key(normalisedEmail);
    return counters
        .get(key)
        .flatMap(
            count ->
                count == null || count < maxFailures
                    ? Uni.createFrom().item(0L)
                    : keys.ttl(key).map(ttl -> Math.max(1L, ttl)))
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Login throttle unavailable, not throttling: %s", e.getMessage());
              return 0L;
            });
  }

  /** Counts a failed attempt; the window starts at the first failure. */
  public Uni<Void> failed(String normalisedEmail) {
    String key = key(normalisedEmail);
    return counters
        .incr(key)
        .flatMap(
            count ->
                count == 1
                    ? keys.expire(key, window).replaceWithVoid()
                    : Uni.createFrom().voidItem())
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Forgets the failures after a successful log-in. */
  public Uni<Void> succeeded(String normalisedEmail) {
    return keys.del(key(normalisedEmail)).onFailure().recoverWithNull().replaceWithVoid();
  }

  private static String key(String normalisedEmail) {
    return PREFIX + OpaqueTokens.hash(normalisedEmail);
  }
}
