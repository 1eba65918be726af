package dev.tessera.gateway.problem;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem that the gateway itself produces; {@link #send} writes it as {@code
 * application/problem+json}, never with a stack trace.
 */
public final class Problem {

  /** Prefix of every problem {@code type} in Tessera. */
  public static final String TYPE_BASE = "https://tessera.dev/problems/";

  private final int status;
  private final String slug;
  private final String title;
  private final String detail;
  private final Map<String, String> headers = new LinkedHashMap<>();

  private Problem(int status, String slug, String title, String detail) {
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.detail = detail;
  }

  /** A problem of {@code status}, typed {@code https://tessera.dev/problems/<slug>}. */
  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(status, slug, title, detail);
  }

  /** Adds a response header (e.g. {@code Retry-After}). */
  public Problem header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The last segment of the type URI. */
  public String slug() {
    return slug;
  }

  /** The problem document. */
  public JsonObject body(String instance, String requestId) {
    JsonObject body =
        new JsonObject()
            .put("type", TYPE_BASE + slug)
            .put("title", title)
            .put("status", status)
            .put("detail", detail)
            .put("instance", instance);
    if (requestId != null) {
      body.put("requestId", requestId);
    }
    return body;
  }

  /** Writes this problem as the response of {@code ctx}, unless a response is already under way. */
  public void send(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.headWritten()) {
      if (!response.ended()) {
        response.reset();
      }
      return;
    }
    Span span = Span.current();
    span.setAttribute("tessera.problem.type", TYPE_BASE + slug);
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR, title);
    }
    response.setStatusCode(status);
    headers.forEach(response::putHeader);
    response.putHeader("Content-Type", "application/problem+json");
    response.putHeader("Cache-Control", "no-store");
    response.end(body(ctx.request().path(), ctx.get(RequestIds.KEY)).encode());
  }
}
