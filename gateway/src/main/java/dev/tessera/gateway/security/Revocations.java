package dev.tessera.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.redis.PipelinedRedis;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Token revocation as identity records it in Redis: {@code revoked:jti:<jti>} (one token), {@code
 * revoked:sid:<sid>} (every token of a log-in session) and {@code revoked:user:<sub>} (an
 * epoch-seconds cut-off: tokens issued before it are dead), each kept until the latest {@code exp}
 * it covers plus the clock skew. {@code revocations:seeded} exists whenever Redis holds every live
 * revocation; a Redis that lost its data has none, and then nothing is accepted (fail closed). All
 * of it is one {@code MGET} per token.
 *
 * <p>A "not revoked" answer is cached briefly, but only while this gateway is subscribed to {@code
 * tessera:revocations}, on which identity announces each revocation right after writing it: the
 * announcement is applied here at once, and so is a log-out this gateway itself forwarded. While
 * the subscription is down nothing is cached, and it is retried.
 */
@ApplicationScoped
public class Revocations {

  private static final Logger LOG = Logger.getLogger(Revocations.class);

  /** Key prefix of a revoked token id. */
  public static final String JTI_PREFIX = "revoked:jti:";

  /** Key prefix of a revoked session. */
  public static final String SID_PREFIX = "revoked:sid:";

  /** Key prefix of a user's cut-off. */
  public static final String USER_PREFIX = "revoked:user:";

  /** Present whenever Redis holds every live revocation. */
  public static final String SEEDED_KEY = "revocations:seeded";

  /**
   * Where identity announces each revocation: {@code jti:<jti>}, {@code sid:<sid>}, {@code
   * user:<sub>:<cutoff>}.
   */
  public static final String CHANNEL = "tessera:revocations";

  /** How long an applied revocation is remembered here, at least: a Redis restart after a crash. */
  private static final Duration REMEMBERED = Duration.ofMinutes(10);

  private final PipelinedRedis redis;
  private final Redis client;
  private final Vertx vertx;
  private final GatewayConfig.Revocation config;
  // Token id → not revoked, as Redis last said.
  private final Cache<String, Boolean> notRevoked;
  // Revocations announced or served here. They must outlive any "not revoked" answer that was on
  // its way while they were applied (cached for at most cache-ttl after a Redis round trip), and a
  // Redis that crashes and loses its last second of writes: until it is back and identity has
  // seeded
  // it again (identity sees the new run within its seed-check interval), only this copy refuses
  // the tokens revoked in that second.
  private final Cache<String, Long> applied;
  private volatile boolean subscribed;
  private volatile RedisConnection subscription;
  private volatile boolean stopped;

  Revocations(PipelinedRedis redis, Redis client, Vertx vertx, GatewayConfig config) {
    this.redis = redis;
    this.client = client;
    this.vertx = vertx;
    this.config = config.revocation();
    this.notRevoked =
        Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(this.config.cacheTtl()).build();
    Duration keep = this.config.cacheTtl().multipliedBy(2).plus(this.config.redisTimeout());
    this.applied =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(keep.compareTo(REMEMBERED) < 0 ? REMEMBERED : keep)
            .build();
  }

  /** Whether {@code principal}'s token is revoked; fails when Redis cannot tell in time. */
  public Future<Boolean> isRevoked(Principal principal) {
    if (revokedHere(principal)) {
      return Future.succeededFuture(true);
    }
    if (subscribed && notRevoked.getIfPresent(principal.tokenId()) != null) {
      return Future.succeededFuture(false);
    }
    boolean trusted = subscribed;
    String sid = principal.sessionId();
    return redis
        .send(
            Request.cmd(Command.MGET)
                .arg(SEEDED_KEY)
                .arg(JTI_PREFIX + principal.tokenId())
                .arg(USER_PREFIX + principal.subject())
                .arg(SID_PREFIX + (sid == null ? "" : sid)),
            config.redisTimeout().toMillis())
        .map(
            r -> {
              if (r.get(0) == null) {
                throw new IllegalStateException(
                    SEEDED_KEY + " is missing: Redis may have lost revocations");
              }
              boolean revoked =
                  r.get(1) != null
                      || (sid != null && r.get(3) != null)
                      || cutOff(r.get(2), principal.issuedAt());
              // Also re-checked: an announcement applied while this lookup was on its way.
              revoked = revoked || revokedHere(principal);
              if (!revoked && trusted && subscribed) {
                notRevoked.put(principal.tokenId(), Boolean.FALSE);
              }
              return revoked;
            });
  }

  /**
   * Applies, on this gateway at once, the log-out of {@code principal} that it has just forwarded
   * (identity revokes the token and its session before answering).
   */
  public void loggedOut(Principal principal) {
    apply("jti:" + principal.tokenId());
    if (principal.sessionId() != null) {
      apply("sid:" + principal.sessionId());
    }
  }

  /** Whether the revocation channel is subscribed (and the cache therefore used). */
  public boolean subscribed() {
    return subscribed;
  }

  /** Applies one announcement from the revocation channel; unknown ones are ignored. */
  void apply(String message) {
    if (message.startsWith("jti:") || message.startsWith("sid:")) {
      applied.put(message, Long.MAX_VALUE);
      if (message.startsWith("jti:")) {
        notRevoked.invalidate(message.substring(4));
      }
    } else if (message.startsWith("user:")) {
      int colon = message.lastIndexOf(':');
      try {
        long cutoff = Long.parseLong(message.substring(colon + 1).trim());
        applied.asMap().merge("user:" + message.substring(5, colon), cutoff, Math::max);
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        LOG.warnf("Unreadable revocation announcement ignored: %s", message);
      }
    }
  }

  private boolean revokedHere(Principal p) {
    if (applied.estimatedSize() == 0) {
      return false;
    }
    if (applied.getIfPresent("jti:" + p.tokenId()) != null) {
      return true;
    }
    if (p.sessionId() != null && applied.getIfPresent("sid:" + p.sessionId()) != null) {
      return true;
    }
    Long cutoff = applied.getIfPresent("user:" + p.subject());
    return cutoff != null && p.issuedAt() < cutoff;
  }

  /** Whether a token issued at {@code issuedAt} is before the cut-off {@code cutoff} (if any). */
  static boolean cutOff(Response cutoff, long issuedAt) {
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

  void start(@Observes StartupEvent started) {
    subscribe();
  }

  void stop(@Observes ShutdownEvent stopping) {
    stopped = true;
    subscribed = false;
    RedisConnection connection = subscription;
    if (connection != null) {
      connection.close();
    }
  }

  private void subscribe() {
    if (stopped) {
      return;
    }
    client
        .connect()
        .onSuccess(
            connection -> {
              subscription = connection;
              connection.handler(this::onPush);
              connection.exceptionHandler(failure -> lost(connection, failure));
              connection.endHandler(ended -> lost(connection, null));
              connection
                  .send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL))
                  .onFailure(failure -> lost(connection, failure));
            })
        .onFailure(failure -> lost(null, failure));
  }

  private void onPush(Response push) {
    if (push == null || push.size() < 3) {
      return;
    }
    String kind = push.get(0).toString();
    if ("subscribe".equals(kind)) {
      if (!subscribed) {
        // Anything announced while unsubscribed was missed: nothing cached before counts.
        notRevoked.invalidateAll();
        subscribed = true;
        LOG.infof("Subscribed to %s: revocations apply at once", CHANNEL);
      }
    } else if ("message".equals(kind)) {
      apply(push.get(2).toString());
    }
  }

  private void lost(RedisConnection connection, Throwable failure) {
    if (connection != null && connection != subscription) {
      return;
    }
    boolean was = subscribed;
    subscribed = false;
    subscription = null;
    if (connection != null) {
      connection.close();
    }
    if (stopped) {
      return;
    }
    if (was) {
      LOG.warnf("Lost the %s subscription (%s): not caching until it is back", CHANNEL, failure);
    }
    vertx.setTimer(config.resubscribeDelay().toMillis(), id -> subscribe());
  }
}
