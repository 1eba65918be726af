package dev.tessera.gateway.redis;

import dev.tessera.gateway.proxy.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Redis for the request path (rate limits, revocation), pipelined: one long-lived connection per
 * event loop, on which concurrent commands are written one after the other without waiting for the
 * answers. The plain client leases a pooled connection for each command's whole round trip, so
 * under load every command costs its own socket reads and writes on both sides and a pool lease;
 * here Redis reads and answers many commands per system call, and each loop's commands stay on that
 * loop's thread. A connection that closes or fails is dropped; the next command opens a new one.
 * (Redis' error answers, such as {@code NOSCRIPT}, fail a command but leave its connection alone.)
 */
@ApplicationScoped
public class PipelinedRedis {

  private final Redis redis;
  private final Map<Object, Future<RedisConnection>> connections = new ConcurrentHashMap<>();

  /** Pipelines over connections taken (and kept) from {@code redis}. */
  public PipelinedRedis(Redis redis) {
    this.redis = redis;
  }

  /**
   * Sends {@code request} on the calling event loop's connection. If that connection turns out to
   * be broken (Redis restarted while it was idle, say), it is dropped and the command is sent once
   * more on a new one; an error answered by Redis itself is returned as it is. (If Redis ran the
   * first one before the connection broke, a rate-limit token is taken twice: the limiter refuses
   * early, never admits more.)
   */
  public Future<Response> send(Request request) {
    Object loop = EventLoops.current();
    Future<RedisConnection> connection = connection(loop);
    return connection
        .compose(c -> c.send(request))
        .recover(
            failure -> {
              if (failure instanceof Response) {
                return Future.failedFuture(failure);
              }
              drop(loop, connection);
              return connection(loop).compose(c -> c.send(request));
            });
  }

  /**
   * {@code request}'s answer, or a failure once {@code timeoutMillis} have passed without one (on
   * an event loop, the deadline is a timer of that loop: no other thread is woken).
   */
  public Future<Response> send(Request request, long timeoutMillis) {
    Context context = Vertx.currentContext();
    Vertx vertx = context != null ? context.owner() : null;
    if (vertx == null) {
      return send(request);
    }
    Promise<Response> answer = Promise.promise();
    long timer =
        vertx.setTimer(
            timeoutMillis,
            id ->
                answer.tryFail(
                    new TimeoutException("Redis did not answer within " + timeoutMillis + " ms")));
    send(request)
        .onComplete(
            result -> {
              vertx.cancelTimer(timer);
              if (result.succeeded()) {
                answer.tryComplete(result.result());
              } else {
                answer.tryFail(result.cause());
              }
            });
    return answer.future();
  }

  private Future<RedisConnection> connection(Object loop) {
    Future<RedisConnection> current = connections.get(loop);
    if (current != null) {
      return current;
    }
    Promise<RedisConnection> opening = Promise.promise();
    Future<RedisConnection> mine = opening.future();
    Future<RedisConnection> raced = connections.putIfAbsent(loop, mine);
    if (raced != null) {
      return raced;
    }
    redis
        .connect()
        .onComplete(
            result -> {
              if (result.failed()) {
                connections.remove(loop, mine);
              } else {
                RedisConnection connection = result.result();
                connection.exceptionHandler(failure -> drop(loop, mine));
                connection.endHandler(ended -> connections.remove(loop, mine));
              }
              opening.handle(result);
            });
    return mine;
  }

  private void drop(Object loop, Future<RedisConnection> connection) {
    if (connections.remove(loop, connection)) {
      connection.onSuccess(RedisConnection::close);
    }
  }

  @PreDestroy
  void close() {
    connections.values().forEach(c -> c.onSuccess(RedisConnection::close));
    connections.clear();
  }
}
