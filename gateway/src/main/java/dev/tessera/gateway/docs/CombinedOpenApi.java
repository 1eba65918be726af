package dev.tessera.gateway.docs;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.problem.Problem;
import dev.tessera.gateway.proxy.Upstreams;
import dev.tessera.gateway.routing.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * The combined API of every service at {@code GET /api/docs/openapi.json}: each service's {@code
 * /q/openapi} fetched, its paths and component schemas merged, cached briefly. A service that does
 * not answer is listed under {@code x-tessera-unavailable} instead of failing the whole document.
 */
@ApplicationScoped
public class CombinedOpenApi {

  /** Where the combined document is served (Swagger UI points here). */
  public static final String PATH = "/api/docs/openapi.json";

  private final Upstreams upstreams;
  private final GatewayConfig config;
  private final HttpClient client;
  private volatile JsonObject cached;
  private volatile long cachedAt;

  CombinedOpenApi(Upstreams upstreams, GatewayConfig config, Vertx vertx) {
    this.upstreams = upstreams;
    this.config = config;
    this.client = vertx.createHttpClient();
  }

  void register(@Observes Router router) {
    router.get(PATH).order(50).handler(this::serve);
  }

  void serve(RoutingContext ctx) {
    JsonObject doc = cached;
    if (doc != null && System.nanoTime() - cachedAt < config.docs().cacheTtl().toNanos()) {
      send(ctx, doc);
      return;
    }
    List<String> names = new ArrayList<>(upstreams.names());
    List<Future<JsonObject>> fetches = new ArrayList<>();
    for (String name : names) {
      fetches.add(fetch(upstreams.service(name).upstream()).otherwise((JsonObject) null));
    }
    Future.join(fetches)
        .onComplete(
            ar -> {
              JsonObject merged = merge(names, fetches);
              cached = merged;
              cachedAt = System.nanoTime();
              send(ctx, merged);
            });
  }

  private JsonObject merge(List<String> names, List<Future<JsonObject>> fetches) {
    JsonObject paths = new JsonObject();
    JsonObject schemas = new JsonObject();
    JsonArray unavailable = new JsonArray();
    for (int i = 0; i < names.size(); i++) {
      JsonObject doc = fetches.get(i).result();
      if (doc == null) {
        unavailable.add(names.get(i));
        continue;
      }
      JsonObject p = doc.getJsonObject("paths", new JsonObject());
      p.forEach(e -> paths.put(e.getKey(), e.getValue()));
      JsonObject s =
          doc.getJsonObject("components", new JsonObject())
              .getJsonObject("schemas", new JsonObject());
      s.forEach(e -> schemas.put(e.getKey(), e.getValue()));
    }
    JsonObject merged =
        new JsonObject()
            .put("openapi", "3.0.3")
            .put(
                "info",
                new JsonObject()
                    .put("title", "Tessera API")
                    .put("version", "1.0")
                    .put("description", "Every service's API, through the gateway."))
            .put("paths", paths)
            .put(
                "components",
                new JsonObject()
                    .put("schemas", schemas)
                    .put(
                        "securitySchemes",
                        new JsonObject()
                            .put(
                                "bearer",
                                new JsonObject()
                                    .put("type", "http")
                                    .put("scheme", "bearer")
                                    .put("bearerFormat", "JWT"))))
            .put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())))
            .put("x-tessera-unavailable", unavailable);
    config
        .docs()
        .publicUrl()
        .ifPresent(
            url -> merged.put("servers", new JsonArray().add(new JsonObject().put("url", url))));
    return merged;
  }

  private Future<JsonObject> fetch(Upstream upstream) {
    Upstream.Instance instance = upstream.pick();
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(instance.host())
                .setPort(instance.port())
                .setSsl(instance.ssl())
                .setURI(config.docs().upstreamPath())
                .setConnectTimeout(1000)
                .setIdleTimeout(2000)
                .putHeader("Accept", "application/json"))
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.statusCode() == 200
                    ? resp.body().map(b -> b.toJsonObject())
                    : Future.failedFuture("status " + resp.statusCode()));
  }

  private static void send(RoutingContext ctx, JsonObject doc) {
    if (doc == null) {
      Problem.of(503, "docs-unavailable", "Service unavailable", "No API docs yet.").send(ctx);
      return;
    }
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=30")
        .end(doc.encode());
  }
}
