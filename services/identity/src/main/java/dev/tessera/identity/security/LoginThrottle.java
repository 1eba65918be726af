package dev.tessera.identity.security;

import dev.tessera.web.ProblemException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Slows down password guessing: at most {@code max-failures} wrong passwords for one e-mail address
 * within the window; further attempts for it are refused until the window ends — whether the
 * address exists or not, and whether the next password is right or not, so the refusal tells an
 * attacker nothing. Log-in and password change share the budget of the address. Counters live in
 * Redis (shared by all instances) under {@code login:failures:<sha256(email)>}, so addresses are
 * not stored in clear.
 *
 * <p>An attempt is reserved before the password is checked, in one Redis script that checks and
 * counts, so parallel guesses cannot all slip past one check. Redis unavailable: the attempt is
 * refused ({@link Unavailable}), never let through unthrottled.
 */
@ApplicationScoped
public class LoginThrottle {

  private static final Logger LOG = Logger.getLogger(LoginThrottle.class);
  private static final String PREFIX = "login:failures:";
  private static final String SCRIPT = script();

  private final ReactiveRedisDataSource redis;
  private final ReactiveKeyCommands<String> keys;
  private final String maxFailures;
  private final String windowSeconds;

  LoginThrottle(
      ReactiveRedisDataSource redis,
      @ConfigProperty(name = "tessera.identity.login.max-failures", defaultValue = "10")
          int maxFailures,
      @ConfigProperty(name = "tessera.identity.login.failure-window", defaultValue = "PT15M")
          Duration window) {
    this.redis = redis;
    this.keys = redis.key(String.class);
    this.maxFailures = Integer.toString(maxFailures);
    this.windowSeconds = Long.toString(window.toSeconds());
  }

  /**
   * Reserves one attempt for {@code normalisedEmail}, counted as a failure until {@link #succeeded}
   * or {@link #release}: the seconds to wait (the attempt is refused), or 0 (go ahead).
   */
  public Uni<Long> reserve(String normalisedEmail) {
    return call("reserve", normalisedEmail);
  }

  /** Gives back a reservation whose password was never judged (overload, outage). */
  public Uni<Void> release(String normalisedEmail) {
    return call("release", normalisedEmail)
        .onFailure()
        // The reservation then expires with the window: a slower throttle, never a weaker one.
        .recoverWithItem(0L)
        .replaceWithVoid();
  }

  /** Forgets the failures after the right password. */
  public Uni<Void> succeeded(String normalisedEmail) {
    return keys.del(key(normalisedEmail))
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.warnf("Could not reset the log-in throttle: %s", e.getMessage());
              return 0;
            })
        .replaceWithVoid();
  }

  private Uni<Long> call(String action, String normalisedEmail) {
    return redis
        .execute("EVAL", SCRIPT, "1", key(normalisedEmail), action, maxFailures, windowSeconds)
        .map(response -> response.toLong())
        .onFailure()
        .transform(Unavailable::new);
  }

  private static String key(String normalisedEmail) {
    return PREFIX + OpaqueTokens.hash(normalisedEmail);
  }

  private static String script() {
    try (InputStream in = LoginThrottle.class.getResourceAsStream("/redis/login-throttle.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The throttle's store cannot be asked: the attempt is refused (503), not let through. */
  public static final class Unavailable extends ProblemException {
    Unavailable(Throwable cause) {
      super(
          503,
          "unavailable",
          "Service unavailable",
          "Passwords cannot be checked right now; try again shortly.",
          Duration.ofSeconds(5));
      LOG.warnf("Refusing a password check, the log-in throttle is unavailable: %s", cause);
    }
  }
}
