package dev.tessera.gateway.proxy;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.routing.Upstream;
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
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Calls to the upstream services with SmallRye Fault Tolerance: a bulkhead per service, a timeout
 * and a circuit breaker per instance (one failing instance does not pause the others; while its
 * circuit is open it is skipped), and, for idempotent methods only, a retry guard around them that
 * tries again (on the next instance in turn) after a connect error or a 5xx.
 *
 * <p>Only upstream faults count against a circuit: connect errors, timeouts and 5xx answers —
 * except a 503 with {@code Retry-After}, which is a healthy instance shedding load (a client that
 * makes a service shed load must not be able to open its circuit for everyone) and is passed to the
 * client as it is. A 4xx is the client's fault and never counts.
 */
@ApplicationScoped
public class Upstreams {

  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private static final TypeLiteral<CompletionStage<HttpClientResponse>> RESPONSE =
      new TypeLiteral<>() {};

  /** One service: its instances, its bulkhead and retry guards, and each instance's guard. */
  public record Service(
      Upstream upstream,
      TypedGuard<CompletionStage<HttpClientResponse>> bulkhead,
      TypedGuard<CompletionStage<HttpClientResponse>> retry,
      Map<Upstream.Instance, TypedGuard<CompletionStage<HttpClientResponse>>> guards) {}

  /** What to send upstream. */
  public record Outgoing(HttpMethod method, String uri, MultiMap headers, Buffer body) {}

  private final GatewayConfig.Resilience config;
  private final Vertx vertx;
  // One client per event loop (see EventLoops): a request and its upstream connection stay on one
  // thread, instead of crossing twice (request out, response back).
  private final Map<Object, HttpClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Service> services = new TreeMap<>();

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
                  new IdentityHashMap<>();
              upstream.instances().forEach(i -> guards.put(i, guard(upstream, i)));
              services.put(
                  service, new Service(upstream, bulkhead(service), retry(service), guards));
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

  /**
   * Sends {@code out} to {@code service}; the response arrives paused, for the caller to stream. A
   * 5xx that survives retries fails with {@link UpstreamFailure.ServerError}.
   */
  public Future<HttpClientResponse> call(String name, Outgoing out) {
    Service service = services.get(name);
    if (IDEMPOTENT.contains(out.method())) {
      return Future.fromCompletionStage(
          service.retry().get(() -> service.bulkhead().get(() -> once(service, out))));
    }
    return Future.fromCompletionStage(service.bulkhead().get(() -> once(service, out)));
  }

  /** One attempt on the next instance in turn, through that instance's guard. */
  private CompletionStage<HttpClientResponse> once(Service service, Outgoing out) {
    Upstream.Instance instance = service.upstream().pick();
    return service.guards().get(instance).get(() -> attempt(service.upstream(), instance, out));
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
              return response;
            })
        .recover(failure -> Future.failedFuture(classify(instance, failure)))
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
    String name = "upstream-" + upstream.service() + "-" + instance.host() + ":" + instance.port();
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

  private TypedGuard<CompletionStage<HttpClientResponse>> retry(String service) {
    return TypedGuard.create(RESPONSE)
        .withDescription("upstream " + service + " (idempotent)")
        .withThreadOffload(false)
        .withRetry()
        .maxRetries(config.maxRetries())
        .delay(config.retryDelay().toMillis(), ChronoUnit.MILLIS)
        .jitter(0, ChronoUnit.MILLIS)
        .whenException(Upstreams::retriable)
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

  /** Only connect errors and 5xx are retried; a timeout is not (the work may be under way). */
  static boolean retriable(Throwable t) {
    return t instanceof UpstreamFailure.Unreachable || t instanceof UpstreamFailure.ServerError;
  }
}
