package dev.tessera.gateway.ratelimit;

import dev.tessera.gateway.redis.PipelinedRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Token buckets kept in Redis and taken from by one atomic Lua script, so that every gateway
 * instance shares them. Calls {@code EVALSHA}; loads the script on {@code NOSCRIPT} (a restarted or
 * flushed Redis) and tries once more.
 */
public final class RedisTokenBuckets {

  /** Prefix of every bucket key. */
  public static final String KEY_PREFIX = "ratelimit:";

  private static final String SCRIPT = load("/ratelimit/token-bucket.lua");
  private static final String SHA = sha1(SCRIPT);

  private final PipelinedRedis redis;

  /** Buckets in the Redis that {@code redis} talks to. */
  public RedisTokenBuckets(PipelinedRedis redis) {
    this.redis = redis;
  }

  /**
   * Takes a token from the bucket {@code key} sized by {@code capacity}/{@code refill}; fails if
   * Redis has not answered within {@code timeoutMillis}.
   */
  public Future<Decision> take(
      String key, long capacity, double refillPerSecond, long timeoutMillis) {
    return take(key, capacity, refillPerSecond, 1, timeoutMillis);
  }

  /** Takes {@code cost} tokens: 1, or 0 to ask whether a request would pass without taking. */
  public Future<Decision> take(
      String key, long capacity, double refillPerSecond, int cost, long timeoutMillis) {
    Request take =
        Request.cmd(Command.EVALSHA)
            .arg(SHA)
            .arg(1)
            .arg(KEY_PREFIX + key)
            .arg(capacity)
            .arg(Double.toString(refillPerSecond))
            .arg(TokenBucket.ttlMillis(capacity, refillPerSecond))
            .arg(cost);
    return redis
        .send(take, timeoutMillis)
        .recover(
            failure ->
                isNoScript(failure)
                    ? redis
                        .send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT), timeoutMillis)
                        .compose(loaded -> redis.send(take, timeoutMillis))
                    : Future.failedFuture(failure))
        .map(r -> decision(r, capacity));
  }

  /** The SHA-1 of the script, as {@code EVALSHA} names it. */
  public static String sha() {
    return SHA;
  }

  private static Decision decision(Response r, long capacity) {
    return new Decision(
        r.get(0).toLong() == 1L, capacity, r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong());
  }

  private static boolean isNoScript(Throwable t) {
    return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
  }

  private static String load(String resource) {
    try (InputStream in = RedisTokenBuckets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
