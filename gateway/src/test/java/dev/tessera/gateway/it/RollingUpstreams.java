package dev.tessera.gateway.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Real upstream servers that behave as instances do during a rolling upgrade, on the ports {@link
 * GatewayTestResource} chose: one that is going away (it answers, with {@code Connection: close},
 * as a Quarkus service does once it is shutting down), one that breaks the connection of the first
 * request to a path without answering, and one that counts its open connections.
 */
final class RollingUpstreams {

  /** One request as an instance received it. */
  record Received(String instance, String method, String uri) {}

  private static RollingUpstreams instance;

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Set<String> vanished = ConcurrentHashMap.newKeySet();
  private final AtomicInteger idleConnections = new AtomicInteger();

  /** The running servers, started on first use. */
  static synchronized RollingUpstreams get() {
    if (instance == null) {
      RollingUpstreams servers = new RollingUpstreams();
      servers.start();
      instance = servers;
    }
    return instance;
  }

  private void start() {
    // refusing: the first instance has nothing listening.
    listen(urls("refusing")[1], r -> answer("refusing-2", r, false));
    listen(urls("draining")[0], r -> answer("draining-1", r, true));
    listen(urls("draining")[1], r -> answer("draining-2", r, false));
    listen(urls("vanishing")[0], this::vanishing);
    HttpServer idle =
        vertx
            .createHttpServer()
            .connectionHandler(
                connection -> {
                  idleConnections.incrementAndGet();
                  connection.closeHandler(v -> idleConnections.decrementAndGet());
                })
            .requestHandler(r -> answer("idle-1", r, false));
    await(idle.listen(URI.create(urls("idle")[0]).getPort(), "127.0.0.1"));
  }

  private static String[] urls(String service) {
    return ConfigProvider.getConfig()
        .getValue("tessera.gateway.upstreams." + service, String.class)
        .split(",");
  }

  private void listen(String url, io.vertx.core.Handler<HttpServerRequest> handler) {
    await(
        vertx
            .createHttpServer()
            .requestHandler(handler)
            .listen(URI.create(url).getPort(), "127.0.0.1"));
  }

  private static void await(io.vertx.core.Future<HttpServer> listening) {
    try {
      listening.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void answer(String name, HttpServerRequest request, boolean goingAway) {
    request
        .body()
        .onSuccess(
            body -> {
              if (!request.path().startsWith("/q/")) {
                received.add(new Received(name, request.method().name(), request.uri()));
              }
              var response = request.response().putHeader("Content-Type", "application/json");
              if (goingAway) {
                response.putHeader("Connection", "close");
              }
              response.end(new JsonObject().put("instance", name).encode());
            });
  }

  /** Breaks the connection of the first request to each {@code /vanish/} path, unanswered. */
  private void vanishing(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              received.add(new Received("vanishing-1", request.method().name(), request.uri()));
              if (request.path().contains("/vanish/") && vanished.add(request.path())) {
                // As a process that dies or a connection that is cut after the request arrived:
                // the request may have been acted on.
                request.connection().close();
                return;
              }
              request
                  .response()
                  .putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("instance", "vanishing-1").encode());
            });
  }

  /** What the instances received at URIs containing {@code fragment}. */
  List<Received> received(String fragment) {
    return received.stream().filter(r -> r.uri().contains(fragment)).toList();
  }

  /** Connections the "idle" service has open now. */
  int idleConnections() {
    return idleConnections.get();
  }
}
