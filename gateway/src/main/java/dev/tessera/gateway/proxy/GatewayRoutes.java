package dev.tessera.gateway.proxy;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.problem.Problem;
import dev.tessera.gateway.problem.RequestIds;
import dev.tessera.gateway.ratelimit.Decision;
import dev.tessera.gateway.ratelimit.RateLimiter;
import dev.tessera.gateway.routing.Route;
import dev.tessera.gateway.routing.RouteTable;
import dev.tessera.gateway.security.InvalidTokenException;
import dev.tessera.gateway.security.Principal;
import dev.tessera.gateway.security.Revocations;
import dev.tessera.gateway.security.TokenVerifier;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The gateway's request path for {@code /api/<service>/**}: request id and security headers, body
 * limit, token verification and revocation (except on public routes), rate limit, then the guarded
 * call upstream with the response streamed back.
 */
@ApplicationScoped
public class GatewayRoutes {

  private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);
  private static final String CSP = "default-src 'none'; frame-ancestors 'none'";
  // Upstream answers up to this size (with a Content-Length) are sent in one piece, not streamed.
  private static final long SMALL_BODY_BYTES = 64 * 1024;
  private static final String CLIENT_KEY = "tessera.client";

  /** Rate-limit group of failed authentications, per client address. */
  public static final String FAILURES_GROUP = "auth-failures";

  private final GatewayConfig config;
  private final Upstreams upstreams;
  private final RouteTable routes;
  private final TokenVerifier verifier;
  private final Revocations revocations;
  private final RateLimiter limiter;
  private final GatewayMetrics metrics;
  private final ClientAddress clients;
  private final EdgeValidators edge;

  GatewayRoutes(
      GatewayConfig config,
      Upstreams upstreams,
      TokenVerifier verifier,
      Revocations revocations,
      RateLimiter limiter,
      GatewayMetrics metrics,
      EdgeValidators edge) {
    this.config = config;
    this.upstreams = upstreams;
    this.routes =
        new RouteTable(
            upstreams.names(),
            config.routes().publicReads().orElse(List.of()),
            config.routes().auth().orElse(List.of()));
    this.verifier = verifier;
    this.revocations = revocations;
    this.limiter = limiter;
    this.metrics = metrics;
    this.edge = edge;
    this.clients = new ClientAddress(config.trustedProxies().orElse(List.of()));
  }

  void register(@Observes Router router) {
    router.route().order(-1000).handler(this::decorate);
    router.route("/api/*").order(100).handler(this::proxy);
    router.route("/api/*").order(100).failureHandler(this::failure);
    // Anything else outside /q (health, metrics, docs UI) is not ours: a problem, not an HTML page.
    router
        .routeWithRegex("^/(?!q/|q$).*")
        .order(Integer.MAX_VALUE)
        .handler(ctx -> problemFor(404).send(ctx));
  }

  /** Every response: a request id and the security headers. */
  void decorate(RoutingContext ctx) {
    String requestId = RequestIds.accept(ctx.request().getHeader(RequestIds.HEADER));
    ctx.put(RequestIds.KEY, requestId);
    // The request id a client or a problem document names leads to the trace (./tessera trace).
    Span.current().setAttribute(RequestIds.SPAN_ATTRIBUTE, requestId);
    boolean api = ctx.request().path() != null && ctx.request().path().startsWith("/api/");
    boolean tls = "https".equals(scheme(ctx));
    ctx.addHeadersEndHandler(
        v -> {
          MultiMap h = ctx.response().headers();
          h.set(RequestIds.HEADER, requestId);
          h.set("X-Content-Type-Options", "nosniff");
          h.set("X-Frame-Options", "DENY");
          h.set("Referrer-Policy", "no-referrer");
          if (api) {
            h.set("Content-Security-Policy", CSP);
          }
          if (tls) {
            h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
          }
        });
    ctx.next();
  }

  void failure(RoutingContext ctx) {
    int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
    if (ctx.failure() != null) {
      LOG.errorf(ctx.failure(), "Request %s failed", ctx.get(RequestIds.KEY));
    }
    problemFor(status).send(ctx);
  }

  private static Problem problemFor(int status) {
    return switch (status) {
      case 400 -> Problem.of(400, "bad-request", "Bad request", "The request is malformed.");
      case 404 -> Problem.of(404, "not-found", "Not found", "No route matches this path.");
      case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed", "Not allowed here.");
      case 413 ->
          Problem.of(413, "payload-too-large", "Payload too large", "The body is too large.");
      default ->
          Problem.of(
              500, "internal", "Internal error", "The gateway failed; the request id says where.");
    };
  }

  void proxy(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long started = System.nanoTime();
    String path = request.path();
    if (path == null || !path.equals(ctx.normalizedPath()) || suspicious(path)) {
      finish(
          ctx,
          "unknown",
          started,
          Problem.of(
              400,
              "bad-path",
              "Bad path",
              "Paths with dot segments, encoded separators or parameters are refused."));
      return;
    }
    Optional<Route> found = routes.route(request.method().name(), path);
    if (found.isEmpty()) {
      finish(
          ctx,
          "unknown",
          started,
          Problem.of(404, "not-found", "Not found", "No service answers " + path + "."));
      return;
    }
    Route route = found.get();
    ctx.addEndHandler(
        v -> metrics.record(route.group(), ctx.response().getStatusCode(), nanos(started)));
    String length = request.getHeader("Content-Length");
    if (length != null && tooLarge(length)) {
      refuseTooLarge(ctx);
      return;
    }
    // Who the caller is and whether it may go on are settled before the body is read: a refused
    // request costs no buffer, and an anonymous client cannot make the gateway hold its uploads.
    Future<Optional<Principal>> principal =
        route.isPublic() ? Future.succeededFuture(Optional.empty()) : authenticate(ctx);
    principal
        .compose(
            p ->
                limiter
                    .check(route.group(), p.map(x -> "user:" + x.subject()).orElse("ip:" + ip(ctx)))
                    .map(d -> new Admitted(p, d)))
        .onComplete(
            checked -> {
              if (checked.failed()) {
                refuse(ctx, checked.cause());
                return;
              }
              Optional<Decision> decision = checked.result().decision();
              decision.ifPresent(d -> rateHeaders(ctx.response(), d));
              if (decision.isPresent() && !decision.get().allowed()) {
                tooManyRequests(ctx, decision.get());
                return;
              }
              Optional<Principal> who = checked.result().principal();
              new BodyReader(
                      ctx,
                      config.maxBodyBytes(),
                      config.bodyReadTimeout().toMillis(),
                      body -> forward(ctx, route, who, body))
                  .start();
            });
  }

  /** A request that may go on: who sent it (empty on public routes) and its rate-limit answer. */
  private record Admitted(Optional<Principal> principal, Optional<Decision> decision) {}

  private static void tooManyRequests(RoutingContext ctx, Decision decision) {
    Problem.of(
            429,
            "rate-limited",
            "Too many requests",
            "The rate limit of this route group is used up; retry later.")
        .header("Retry-After", Long.toString(decision.retryAfterSeconds()))
        .send(closingUnreadBody(ctx));
  }

  /**
   * Verifies the bearer token and checks revocation. Failed authentications are charged to the
   * client address ({@link #FAILURES_GROUP}); once its bucket is empty, a token this gateway has
   * not verified before is refused with 429 before its signature is checked, so a flood of forged
   * tokens costs a Redis lookup each, not an RSA verification.
   */
  private Future<Optional<Principal>> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      return Future.failedFuture(new MissingToken());
    }
    String subject = "ip:" + ip(ctx);
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return chargeFailure(subject, new InvalidTokenException("not a bearer token"));
    }
    String token = header.substring(7).trim();
    Future<Void> admitted =
        verifier.isKnown(token)
            ? Future.succeededFuture()
            : limiter
                .peek(FAILURES_GROUP, subject)
                .compose(
                    d ->
                        d.isPresent() && !d.get().allowed()
                            ? Future.failedFuture(new TooManyFailures(d.get()))
                            : Future.succeededFuture());
    return admitted
        .compose(v -> verifier.verify(token))
        .compose(
            p ->
                revocations
                    .isRevoked(p)
                    .transform(
                        checked -> {
                          if (checked.succeeded()) {
                            return checked.result()
                                ? Future.failedFuture(new InvalidTokenException("revoked"))
                                : Future.succeededFuture(Optional.of(p));
                          }
                          if (config.revocation().failOpen()) {
                            LOG.warnf(
                                "Revocation unknown (%s): accepting (fail-open)", checked.cause());
                            return Future.succeededFuture(Optional.of(p));
                          }
                          return Future.failedFuture(new RevocationUnknown(checked.cause()));
                        }))
        .recover(
            failure ->
                failure instanceof InvalidTokenException
                    ? chargeFailure(subject, failure)
                    : Future.failedFuture(failure));
  }

  /**
   * Takes a token from {@code subject}'s failure bucket, then fails with {@code failure} (or 429).
   */
  private <T> Future<T> chargeFailure(String subject, Throwable failure) {
    return limiter
        .check(FAILURES_GROUP, subject)
        .transform(
            charged ->
                Future.failedFuture(
                    charged.succeeded()
                            && charged.result().isPresent()
                            && !charged.result().get().allowed()
                        ? new TooManyFailures(charged.result().get())
                        : failure));
  }

  private void refuse(RoutingContext ctx, Throwable failure) {
    if (failure instanceof MissingToken) {
      Problem.of(401, "unauthorized", "Unauthorized", "This route needs a bearer token.")
          .header("WWW-Authenticate", "Bearer realm=\"tessera\"")
          .send(closingUnreadBody(ctx));
    } else if (failure instanceof InvalidTokenException invalid) {
      LOG.debugf("Token refused (%s): %s", ctx.get(RequestIds.KEY), invalid.getMessage());
      Problem.of(401, "invalid-token", "Unauthorized", "The bearer token is not acceptable.")
          .header(
              "WWW-Authenticate",
              "Bearer realm=\"tessera\", error=\"invalid_token\","
                  + " error_description=\"The access token is invalid, expired or revoked\"")
          .send(closingUnreadBody(ctx));
    } else if (failure instanceof TooManyFailures tooMany) {
      Problem.of(
              429,
              "rate-limited",
              "Too many requests",
              "Too many failed authentications from this address; retry later.")
          .header("Retry-After", Long.toString(tooMany.decision.retryAfterSeconds()))
          .send(closingUnreadBody(ctx));
    } else if (failure instanceof RevocationUnknown) {
      LOG.warnf("Revocation check failed: %s", failure.getCause());
      Problem.of(
              503,
              "revocation-unavailable",
              "Service unavailable",
              "Token revocation cannot be checked right now.")
          .header("Retry-After", "1")
          .send(closingUnreadBody(ctx));
    } else {
      LOG.errorf(failure, "Request %s failed", ctx.get(RequestIds.KEY));
      problemFor(500).send(closingUnreadBody(ctx));
    }
  }

  /**
   * Prepares {@code ctx} for an answer given before its body was read: the body is never buffered,
   * only discarded as it arrives, and the connection is closed once the answer is out (at the
   * latest after 5 s: closing with unread data in the socket would make the client see a reset
   * instead of the answer).
   */
  static RoutingContext closingUnreadBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      long closer = ctx.vertx().setTimer(5_000, id -> request.connection().close());
      request.handler(chunk -> {});
      request.endHandler(v -> ctx.vertx().cancelTimer(closer));
      request.resume();
      ctx.response().putHeader("Connection", "close");
    }
    return ctx;
  }

  private void forward(
      RoutingContext ctx, Route route, Optional<Principal> principal, Buffer body) {
    HttpServerRequest request = ctx.request();
    boolean cacheable = route.isPublic() && request.method() == HttpMethod.GET;
    if (cacheable) {
      Optional<EdgeValidators.Known> known =
          edge.notModified(
              originForm(request),
              request.getHeader("If-None-Match"),
              request.getHeader("Cache-Control"));
      if (known.isPresent()) {
        // The client's copy is the one the upstream last served, and still fresh: no call.
        HttpServerResponse response = ctx.response().setStatusCode(304);
        response.putHeader("ETag", known.get().etag());
        response.putHeader("Cache-Control", known.get().cacheControl());
        if (known.get().lastModified() != null) {
          response.putHeader("Last-Modified", known.get().lastModified());
        }
        response.end();
        return;
      }
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    HeaderFilter.requestHeaders(request.headers())
        .forEach(e -> headers.add(e.getKey(), e.getValue()));
    headers.set(RequestIds.HEADER, (String) ctx.get(RequestIds.KEY));
    headers.set("X-Forwarded-For", ip(ctx));
    headers.set("X-Forwarded-Proto", scheme(ctx));
    String host = request.getHeader("Host");
    if (host != null) {
      headers.set("X-Forwarded-Host", host);
    }
    upstreams
        .call(
            route.service(),
            new Upstreams.Outgoing(request.method(), originForm(request), headers, body))
        .onComplete(
            called -> {
              if (called.succeeded()) {
                if (cacheable) {
                  edge.learn(
                      originForm(request), called.result().statusCode(), called.result().headers());
                }
                if (called.result().statusCode() == 204
                    && RouteTable.isLogOut(request.method().name(), request.path())) {
                  principal.ifPresent(revocations::loggedOut);
                }
                stream(ctx, called.result());
              } else if (called.cause() instanceof UpstreamFailure.ServerError error) {
                stream(ctx, error.response());
              } else {
                upstreamProblem(route, called.cause()).send(ctx);
              }
            });
  }

  private Problem upstreamProblem(Route route, Throwable failure) {
    String service = route.service();
    if (failure instanceof CircuitBreakerOpenException) {
      return Problem.of(
              503,
              "upstream-circuit-open",
              "Service unavailable",
              "The " + service + " service is failing; calls are paused for a while.")
          .header("Retry-After", Long.toString(upstreams.circuitDelaySeconds()));
    }
    if (failure instanceof BulkheadException) {
      return Problem.of(
              503,
              "upstream-busy",
              "Service unavailable",
              "The " + service + " service has too many requests in flight.")
          .header("Retry-After", "1");
    }
    if (failure instanceof TimeoutException || failure instanceof UpstreamFailure.TimedOut) {
      return Problem.of(
          504,
          "upstream-timeout",
          "Gateway timeout",
          "The " + service + " service did not answer in time.");
    }
    LOG.warnf("Upstream %s failed: %s", service, failure);
    return Problem.of(
            503,
            "upstream-unavailable",
            "Service unavailable",
            "The " + service + " service cannot be reached.")
        .header("Retry-After", "1");
  }

  private void stream(RoutingContext ctx, HttpClientResponse upstream) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      upstream.handler(b -> {}).resume();
      return;
    }
    response.setStatusCode(upstream.statusCode());
    response.setStatusMessage(upstream.statusMessage());
    HeaderFilter.responseHeaders(upstream.headers())
        .forEach(e -> response.headers().add(e.getKey(), e.getValue()));
    int status = upstream.statusCode();
    boolean bodiless =
        status == 204
            || status == 304
            || ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD;
    String length = upstream.getHeader("Content-Length");
    if (length == null && !bodiless) {
      response.setChunked(true);
    }
    if (!bodiless && length != null && small(length)) {
      // Most API answers are small: headers and body in one write, without a pipe's per-chunk
      // back-pressure bookkeeping and its separate write for the end of the response.
      upstream
          .body()
          .onComplete(
              body -> {
                if (response.ended() || response.closed()) {
                  return;
                }
                if (body.succeeded()) {
                  response.end(body.result());
                } else {
                  // The upstream broke off mid-body: the client must not take a truncated body.
                  response.reset();
                }
              });
      upstream.resume();
      return;
    }
    upstream.pipeTo(response);
  }

  private static boolean small(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) <= SMALL_BODY_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void rateHeaders(HttpServerResponse response, Decision d) {
    response.putHeader("RateLimit-Limit", Long.toString(d.limit()));
    response.putHeader("RateLimit-Remaining", Long.toString(d.remaining()));
    response.putHeader("RateLimit-Reset", Long.toString(d.resetSeconds()));
  }

  private void finish(RoutingContext ctx, String group, long started, Problem problem) {
    ctx.addEndHandler(v -> metrics.record(group, problem.status(), nanos(started)));
    problem.send(ctx);
  }

  private boolean tooLarge(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) > config.maxBodyBytes();
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /** Answers 413 at once, then drains what the client still sends and closes the connection. */
  static void refuseTooLarge(RoutingContext ctx) {
    ctx.response().putHeader("Connection", "close");
    tooLargeProblem().send(closingUnreadBody(ctx));
  }

  static Problem tooLargeProblem() {
    return Problem.of(
        413, "payload-too-large", "Payload too large", "The request body exceeds the limit.");
  }

  private static boolean suspicious(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.contains("%2e")
        || p.contains("%2f")
        || p.contains("%5c")
        || p.contains(";")
        || p.contains("\\")
        || p.contains("//");
  }

  /**
   * Path and query exactly as the client sent them, in origin form: an absolute-form target ({@code
   * GET http://elsewhere/...}) must not carry another authority upstream.
   */
  private static String originForm(HttpServerRequest request) {
    String query = request.query();
    return query == null ? request.path() : request.path() + "?" + query;
  }

  /** {@code http} or {@code https}: as the client connected, or as a trusted proxy says. */
  private String scheme(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String said = request.getHeader("X-Forwarded-Proto");
    if (("https".equals(said) || "http".equals(said))
        && request.remoteAddress() != null
        && clients.isTrusted(request.remoteAddress().hostAddress())) {
      return said;
    }
    return request.scheme() == null ? "http" : request.scheme();
  }

  /** The client's address: the peer, or what a trusted proxy says ({@link ClientAddress}). */
  private String ip(RoutingContext ctx) {
    String ip = ctx.get(CLIENT_KEY);
    if (ip == null) {
      HttpServerRequest request = ctx.request();
      String peer =
          request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
      ip = clients.resolve(peer, request.headers().getAll("X-Forwarded-For"));
      ctx.put(CLIENT_KEY, ip);
    }
    return ip;
  }

  private static long nanos(long started) {
    return System.nanoTime() - started;
  }

  /** No Authorization header on a protected route. */
  private static final class MissingToken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingToken() {
      super("no token", null, false, false);
    }
  }

  /** The client address used up its failed authentications. */
  private static final class TooManyFailures extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Decision decision;

    TooManyFailures(Decision decision) {
      super("too many failed authentications", null, false, false);
      this.decision = decision;
    }
  }

  /** Redis could not say whether a token is revoked. */
  private static final class RevocationUnknown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RevocationUnknown(Throwable cause) {
      super("revocation unknown", cause, false, false);
    }
  }
}
