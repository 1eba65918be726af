package dev.tessera.gateway.proxy;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.routing.Upstream;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.net.ConnectException;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Calls to the upstream services with SmallRye Fault Tolerance: a bulkhead per service, a timeout
 * and a circuit breaker per instance (one failing instance does not pause the others; while its
 * circuit is open it is skipped), and a retry guard around them that tries again on the next
 * instance in turn.
 *
 * <p>What is sent again depends on whether the first attempt can have been acted on. A request that
 * never left the gateway (no connection: refused, connect timeout; or refused by the instance's
 * open circuit) is sent again whatever its method: that is what keeps a POST from failing while a
 * pod goes away in a rollout. A request that may have reached the instance (the connection broke
 * before an answer, or a 5xx) is sent again only when repeating it is harmless: an idempotent
 * method, or a request carrying an {@code Idempotency-Key} (the service answers a repeat with the
 * first answer). A timeout is never sent again: the work may be under way.
 *
 * <p>An instance that answers {@code Connection: close} is going away (a Quarkus service adds it to
 * every answer once it is shutting down): it is skipped from then on ({@code eject-for}), so no
 * request is written on one of its kept-alive connections while it closes them. The gateway also
 * closes an upstream connection that stayed idle for {@code keep-alive-timeout}, shorter than the
 * services' own idle timeout, so an upstream never closes an idle connection under a request the
 * gateway is writing on it.
 *
 * <p>Only upstream faults count against a circuit: connect errors, timeouts and 5xx answers —
 * except a 503 with {@code Retry-After}, which is a healthy instance shedding load (a client that
 * makes a service shed load must not be able to open its circuit for everyone) and is passed to the
 * client as it is. A 4xx is the client's fault and never counts.
 */
@ApplicationScoped
public class Upstreams {

  private static final Logger LOG = Logger.getLogger(Upstreams.class);

  /** The request header that makes a POST or PATCH safe to send again (the service dedupes it). */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private static final TypeLiteral<CompletionStage<HttpClientResponse>> RESPONSE =
      new TypeLiteral<>() {};

  /**
   * One service: its instances, its bulkhead, its retry guards (for requests that may be repeated,
   * and for those that may be sent again only when they never left), and each instance's guard.
   */
  public record Service(
      Upstream upstream,
      TypedGuard<CompletionStage<HttpClientResponse>> bulkhead,
      TypedGuard<CompletionStage<HttpClientResponse>> retry,
      TypedGuard<CompletionStage<HttpClientResponse>> retryUnsent,
      Map<Upstream.Instance, TypedGuard<CompletionStage<HttpClientResponse>>> guards) {}

  /** What to send upstream. */
  public record Outgoing(HttpMethod method, String uri, MultiMap headers, Buffer body) {}

  private final GatewayConfig.Resilience config;
  private final Vertx vertx;
  // One client per event loop (see EventLoops): a request and its upstream connection stay on one
  // thread, instead of crossing twice (request out, response back).
  private final Map<Object, HttpClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Service> services = new TreeMap<>();
  // Circuit breaker names in use: an address discovery drops and finds again gets a fresh one.
  private final Set<String> circuitNames = new HashSet<>();

  Upstreams(GatewayConfig config, Vertx vertx) {
    this.config = config.resilience();
    this.vertx = vertx;
    config
        .upstreams()
        .forEach(
            (service, urls) -> {
              Upstream upstream =
                  new Upstream(service, urls, this.config.ejectFor().toNanos(), System::nanoTime);
              Map<Upstream.Instance, TypedGuard<CompletionStage<HttpClientResponse>>> guards =
                  new ConcurrentHashMap<>();
              upstream.instances().forEach(i -> guards.put(i, guard(upstream, i)));
              services.put(
                  service,
                  new Service(
                      upstream,
                      bulkhead(service),
                      retry(service, Upstreams::retriable, "replayable"),
                      retry(service, Upstreams::notSent, "not sent"),
                      guards));
            });
  }

  /** The configured service names. */
  public Set<String> names() {
    return services.keySet();
  }

  /** The service {@code name} (which must exist). */
  public Service service(String name) {
    return services.get(name);
  }

  /** How long an open circuit stays open, in whole seconds ({@code Retry-After}). */
  public long circuitDelaySeconds() {
    return Math.max(1, (config.circuitDelay().toMillis() + 999) / 1000);
  }

  /** The configured services, with their instances. */
  public Map<String, Service> services() {
    return services;
  }

  /**
   * Sends {@code out} to {@code service}; the response arrives paused, for the caller to stream. A
   * 5xx that survives retries fails with {@link UpstreamFailure.ServerError}.
   */
  public Future<HttpClientResponse> call(String name, Outgoing out) {
    Service service = services.get(name);
    TypedGuard<CompletionStage<HttpClientResponse>> retry =
        replayable(out) ? service.retry() : service.retryUnsent();
    return Future.fromCompletionStage(
        retry.get(() -> service.bulkhead().get(() -> once(service, out))));
  }

  /** Whether sending {@code out} twice does no more than sending it once. */
  static boolean replayable(Outgoing out) {
    return IDEMPOTENT.contains(out.method()) || out.headers().contains(IDEMPOTENCY_KEY);
  }

  /** Drops the guards of instances discovery no longer finds; new ones get theirs on first use. */
  public void forgetGone(String name) {
    Service service = services.get(name);
    service.guards().keySet().retainAll(Set.copyOf(service.upstream().instances()));
  }

  /** One attempt on the next instance in turn, through that instance's guard. */
  private CompletionStage<HttpClientResponse> once(Service service, Outgoing out) {
    Upstream upstream = service.upstream();
    Upstream.Instance instance = upstream.pick();
    return service
        .guards()
        .computeIfAbsent(instance, i -> guard(upstream, i))
        .get(() -> attempt(upstream, instance, out));
  }

  private CompletionStage<HttpClientResponse> attempt(
      Upstream upstream, Upstream.Instance instance, Outgoing out) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(out.method())
            .setHost(instance.host())
            .setPort(instance.port())
            .setSsl(instance.ssl())
            .setURI(out.uri())
            .setIdleTimeout(config.timeout().toMillis());
    return client()
        .request(options)
        // No connection: nothing of the request was written.
        .recover(
            failure ->
                Future.failedFuture(new UpstreamFailure.NotSent(instance.toString(), failure)))
        .compose(
            request -> {
              request.headers().addAll(out.headers());
              boolean hasBody =
                  out.body().length() > 0
                      || out.method() == HttpMethod.POST
                      || out.method() == HttpMethod.PUT
                      || out.method() == HttpMethod.PATCH;
              return hasBody ? request.send(out.body()) : request.send();
            })
        .map(
            response -> {
              // Before any body chunk is delivered: the caller streams it later.
              response.pause();
              if (closing(response)) {
                // Draining: its other kept-alive connections are not to be written on any more.
                if (!upstream.isEjected(instance)) {
                  LOG.infof(
                      "%s %s answered Connection: close: skipped while it goes away",
                      upstream.service(), instance);
                }
                upstream.failed(instance);
              }
              return response;
            })
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof UpstreamFailure ? failure : classify(instance, failure)))
        .compose(
            response -> {
              if (response.statusCode() >= 500 && !sheddingLoad(response)) {
                return Future.failedFuture(
                    new UpstreamFailure.ServerError(instance.toString(), response));
              }
              return Future.succeededFuture(response);
            })
        .onFailure(
            failure -> {
              // A 5xx may be caused by the request itself: it counts in the instance's circuit,
              // but does not take the instance out of turn at once as a dead connection does.
              if (failure instanceof UpstreamFailure.Unreachable
                  || failure instanceof UpstreamFailure.NotSent
                  || failure instanceof UpstreamFailure.TimedOut) {
                upstream.failed(instance);
              }
            })
        .toCompletionStage();
  }

  private HttpClient client() {
    return clients.computeIfAbsent(
        EventLoops.current(),
        ignored ->
            vertx.createHttpClient(
                new HttpClientOptions()
                    .setKeepAlive(true)
                    .setKeepAliveTimeout((int) Math.max(1, config.keepAliveTimeout().toSeconds()))
                    .setConnectTimeout((int) config.connectTimeout().toMillis())
                    .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(config.poolSize())));
  }

  private static Throwable classify(Upstream.Instance instance, Throwable failure) {
    if (failure instanceof NoStackTraceTimeoutException || failure instanceof TimeoutException) {
      return new UpstreamFailure.TimedOut(instance.toString(), failure);
    }
    if (failure instanceof ConnectException
        || failure instanceof io.netty.channel.ConnectTimeoutException
        || failure instanceof io.vertx.core.http.HttpClosedException
        || failure instanceof java.io.IOException) {
      return new UpstreamFailure.Unreachable(instance.toString(), failure);
    }
    return new UpstreamFailure.Unreachable(instance.toString(), failure);
  }

  /** Whether the instance said it closes this connection ({@code Connection: close}). */
  static boolean closing(HttpClientResponse response) {
    String connection = response.getHeader("Connection");
    if (connection == null) {
      return false;
    }
    for (String token : connection.split(",")) {
      if (HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(token.trim())) {
        return true;
      }
    }
    return false;
  }

  /** A 503 with {@code Retry-After}: the instance is healthy and shedding load on purpose. */
  static boolean sheddingLoad(HttpClientResponse response) {
    return response.statusCode() == 503 && response.getHeader("Retry-After") != null;
  }

  private TypedGuard<CompletionStage<HttpClientResponse>> bulkhead(String service) {
    return TypedGuard.create(RESPONSE)
        .withDescription("upstream " + service)
        // The guarded call is non-blocking and made on the event loop: moving it to another task
        // (the default for async types) only costs a dispatch and a context capture per request.
        .withThreadOffload(false)
        .withBulkhead()
        .limit(config.bulkheadLimit())
        .queueSize(config.bulkheadQueue())
        .done()
        .build();
  }

  private TypedGuard<CompletionStage<HttpClientResponse>> guard(
      Upstream upstream, Upstream.Instance instance) {
    String name = circuitName(upstream, instance);
    long openNanos = config.circuitDelay().toNanos();
    return TypedGuard.create(RESPONSE)
        .withDescription(name)
        .withThreadOffload(false)
        .withTimeout()
        .duration(config.timeout().toMillis(), ChronoUnit.MILLIS)
        .done()
        .withCircuitBreaker()
        .name(name)
        .requestVolumeThreshold(config.circuitRequestVolume())
        .failureRatio(config.circuitFailureRatio())
        .delay(config.circuitDelay().toMillis(), ChronoUnit.MILLIS)
        .successThreshold(1)
        .when(Upstreams::countsAgainstUpstream)
        // Skipped while open; when every instance is, the pick still lands on one and the client
        // gets the open circuit's 503.
        .onStateChange(
            state -> {
              if (state == CircuitBreakerState.OPEN) {
                upstream.failed(instance, openNanos);
              }
            })
        .done()
        .build();
  }

  private synchronized String circuitName(Upstream upstream, Upstream.Instance instance) {
    String base = "upstream-" + upstream.service() + "-" + instance.host() + ":" + instance.port();
    String name = base;
    for (int n = 2; !circuitNames.add(name); n++) {
      name = base + "#" + n;
    }
    return name;
  }

  private TypedGuard<CompletionStage<HttpClientResponse>> retry(
      String service, java.util.function.Predicate<Throwable> when, String which) {
    return TypedGuard.create(RESPONSE)
        .withDescription("upstream " + service + " (" + which + ")")
        .withThreadOffload(false)
        .withRetry()
        .maxRetries(config.maxRetries())
        .delay(config.retryDelay().toMillis(), ChronoUnit.MILLIS)
        .jitter(0, ChronoUnit.MILLIS)
        .whenException(when)
        .beforeRetry(
            failure -> {
              if (failure instanceof UpstreamFailure.ServerError error) {
                error.discard();
              }
            })
        .done()
        .build();
  }

  /** Connect errors, timeouts and 5xx count towards opening the circuit. */
  static boolean countsAgainstUpstream(Throwable t) {
    return t instanceof UpstreamFailure
        || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
  }

  /**
   * What a request that may be repeated is sent again after: what was not sent, a broken
   * connection, a 5xx; a timeout is not (the work may be under way).
   */
  static boolean retriable(Throwable t) {
    return notSent(t)
        || t instanceof UpstreamFailure.Unreachable
        || t instanceof UpstreamFailure.ServerError;
  }

  /**
   * What any request is sent again after: it never left the gateway — no connection, or the
   * instance's open circuit refused it (an instance whose circuit opens is skipped, but one picked
   * as its circuit opens, or while it lets only a probe through, still refuses).
   */
  static boolean notSent(Throwable t) {
    return t instanceof UpstreamFailure.NotSent || t instanceof CircuitBreakerOpenException;
  }
}
