package dev.tessera.gateway.proxy;

import dev.tessera.gateway.problem.Problem;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body up to a limit and within a deadline; past the limit it answers 413, past the
 * deadline 408 (a client trickling its body must not hold a buffer and a connection for long), and
 * closes the connection. The body is kept (at most the limit, 1 MiB by default) because an
 * idempotent request may be retried on another instance. It is only read once the request has been
 * authenticated and admitted by the rate limiter.
 */
final class BodyReader {

  private final RoutingContext ctx;
  private final long limit;
  private final long deadlineMillis;
  private final Handler<Buffer> then;
  private final Buffer body = Buffer.buffer();
  private boolean refused;
  private long timer = -1;

  BodyReader(RoutingContext ctx, long limit, long deadlineMillis, Handler<Buffer> then) {
    this.ctx = ctx;
    this.limit = limit;
    this.deadlineMillis = deadlineMillis;
    this.then = then;
  }

  void start() {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      then.handle(body);
      return;
    }
    timer = ctx.vertx().setTimer(deadlineMillis, id -> tooSlow());
    request.handler(
        chunk -> {
          if (refused) {
            return;
          }
          if (body.length() + chunk.length() > limit) {
            refuse();
            GatewayRoutes.refuseTooLarge(ctx);
            return;
          }
          body.appendBuffer(chunk);
        });
    request.exceptionHandler(
        failure -> {
          ctx.vertx().cancelTimer(timer);
          if (!ctx.response().ended()) {
            ctx.response().reset();
          }
        });
    request.endHandler(
        v -> {
          ctx.vertx().cancelTimer(timer);
          if (!refused) {
            then.handle(body);
          }
        });
    request.resume();
  }

  private void refuse() {
    refused = true;
    ctx.vertx().cancelTimer(timer);
  }

  private void tooSlow() {
    if (refused || ctx.request().isEnded()) {
      return;
    }
    refuse();
    ctx.response().putHeader("Connection", "close");
    // A client that trickles on is not waited for: the connection goes once the answer is out.
    ctx.response().endHandler(v -> ctx.request().connection().close());
    Problem.of(
            408, "request-timeout", "Request timeout", "The request body did not arrive in time.")
        .send(ctx);
  }
}
