package dev.tessera.gateway.proxy;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.routing.Upstream;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Calls to the upstream services, each service behind its own SmallRye Fault Tolerance guard —
 * bulkhead, timeout, circuit breaker — and, for idempotent methods only, a retry guard around it
 * that tries again (on the next instance in turn) after a connect error or a 5xx.
 */
@ApplicationScoped
public class Upstreams {

  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private static final TypeLiteral<CompletionStage<HttpClientResponse>> RESPONSE =
      new TypeLiteral<>() {};

  /** One service: its instances and guards. */
  public record Service(
      Upstream upstream,
      TypedGuard<CompletionStage<HttpClientResponse>> guard,
      TypedGuard<CompletionStage<HttpClientResponse>> retry) {}

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
            (service, urls) ->
                services.put(
                    service,
                    new Service(
                        new Upstream(
                            service, urls, this.config.ejectFor().toNanos(), System::nanoTime),
                        guard(service),
                        retry(service))));
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
          service.retry().get(() -> service.guard().get(() -> attempt(service.upstream(), out))));
    }
    return Future.fromCompletionStage(service.guard().get(() -> attempt(service.upstream(), out)));
  }

  private CompletionStage<HttpClientResponse> attempt(Upstream upstream, Outgoing out) {
    Upstream.Instance instance = upstream.pick();
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
              if (response.statusCode() >= 500) {
                return Future.failedFuture(
                    new UpstreamFailure.ServerError(instance.toString(), response));
              }
              return Future.succeededFuture(response);
            })
        .onFailure(
            failure -> {
              if (failure instanceof UpstreamFailure) {
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

  private TypedGuard<CompletionStage<HttpClientResponse>> guard(String service) {
    return TypedGuard.create(RESPONSE)
        .withDescription("upstream " + service)
        // The guarded call is non-blocking and made on the event loop: moving it to another task
        // (the default for async types) only costs a dispatch and a context capture per request.
        .withThreadOffload(false)
        .withBulkhead()
        .limit(config.bulkheadLimit())
        .queueSize(config.bulkheadQueue())
        .done()
        .withTimeout()
        .duration(config.timeout().toMillis(), ChronoUnit.MILLIS)
        .done()
        .withCircuitBreaker()
        .name("upstream-" + service)
        .requestVolumeThreshold(config.circuitRequestVolume())
        .failureRatio(config.circuitFailureRatio())
        .delay(config.circuitDelay().toMillis(), ChronoUnit.MILLIS)
        .successThreshold(1)
        .when(Upstreams::countsAgainstUpstream)
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
