package dev.tessera.cache;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One instance's subscription to its service's invalidation channel in Redis ({@code
 * tessera:cache:<service>}): every instance of the service hears every invalidation, whichever
 * instance made the change. A message is {@code <cache>\n<key>}.
 *
 * <p>While the subscription is down (Redis away), invalidations from other instances are missed:
 * each cache then forgets its in-process entries and keeps new ones only briefly ({@link
 * CacheSettings#degradedL1Ttl()}); once subscribed again, it forgets them once more (anything
 * announced meanwhile was missed) and replays the invalidations it could not send.
 */
public final class InvalidationBus implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(InvalidationBus.class);

  private final Redis client;
  private final Vertx vertx;
  private final String channel;
  private final Duration resubscribeDelay;
  private final Map<String, TieredCache<?>> caches = new ConcurrentHashMap<>();
  private volatile boolean subscribed;
  private volatile RedisConnection subscription;
  private volatile boolean stopped;

  /** A bus on {@code tessera:cache:<service>}, not yet subscribed ({@link #start()}). */
  public InvalidationBus(Redis client, Vertx vertx, String service, Duration resubscribeDelay) {
    this.client = client;
    this.vertx = vertx;
    this.channel = "tessera:cache:" + service;
    this.resubscribeDelay = resubscribeDelay;
  }

  /** The channel of this service's invalidations. */
  public String channel() {
    return channel;
  }

  /** Whether invalidations from other instances are heard right now. */
  public boolean subscribed() {
    return subscribed;
  }

  void register(TieredCache<?> cache) {
    caches.put(cache.name(), cache);
  }

  /** Subscribes, and keeps subscribing again whenever the subscription is lost. */
  public void start() {
    stopped = false;
    subscribe();
  }

  @Override
  public void close() {
    stopped = true;
    subscribed = false;
    RedisConnection connection = subscription;
    if (connection != null) {
      connection.close();
    }
  }

  static String message(String cache, String key) {
    return cache + "\n" + key;
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
                  .send(Request.cmd(Command.SUBSCRIBE).arg(channel))
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
        subscribed = true;
        // Anything announced while unsubscribed was missed.
        caches.values().forEach(TieredCache::forgetLocal);
        caches.values().forEach(TieredCache::replayPending);
        LOG.infof("Subscribed to %s: cache invalidations apply on every instance", channel);
      }
    } else if ("message".equals(kind)) {
      String message = push.get(2).toString();
      int newline = message.indexOf('\n');
      if (newline <= 0) {
        return;
      }
      TieredCache<?> cache = caches.get(message.substring(0, newline));
      if (cache != null) {
        cache.heard(message.substring(newline + 1));
      }
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
    if (was) {
      // From now on another instance's change may go unheard: no long-lived local copies.
      caches.values().forEach(TieredCache::forgetLocal);
      LOG.warnf(
          "Lost the %s subscription (%s): in-process cache entries live %s at most until it is"
              + " back",
          channel,
          failure,
          caches.values().stream()
              .map(c -> c.settings().degradedL1Ttl())
              .min(Duration::compareTo)
              .orElse(Duration.ZERO));
    }
    if (!stopped) {
      vertx.setTimer(resubscribeDelay.toMillis(), id -> subscribe());
    }
  }
}
