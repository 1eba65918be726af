package dev.tessera.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body up to a limit; past it, answers 413 and closes the connection. The body is
 * kept (at most the limit, 1 MiB by default) because an idempotent request may be retried on
 * another instance.
 */
final class BodyReader {

  private final RoutingContext ctx;
  private final long limit;
  private final Handler<Buffer> then;
  private final Buffer body = Buffer.buffer();
  private boolean tooLarge;

  BodyReader(RoutingContext ctx, long limit, Handler<Buffer> then) {
    this.ctx = ctx;
    this.limit = limit;
    this.then = then;
  }

  void start() {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      then.handle(body);
      return;
    }
    request.handler(
        chunk -> {
          if (tooLarge) {
            return;
          }
          if (body.length() + chunk.length() > limit) {
            tooLarge = true;
            GatewayRoutes.refuseTooLarge(ctx);
            return;
          }
          body.appendBuffer(chunk);
        });
    request.exceptionHandler(
        failure -> {
          if (!ctx.response().ended()) {
            ctx.response().reset();
          }
        });
    request.endHandler(
        v -> {
          if (!tooLarge) {
            then.handle(body);
          }
        });
    request.resume();
  }
}
