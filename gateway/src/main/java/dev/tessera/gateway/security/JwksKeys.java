package dev.tessera.gateway.security;

import dev.tessera.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * Identity's signing keys, from its JWKS: loaded at start (retried until it works), refreshed
 * periodically, and on demand when a token names an unknown {@code kid} — at most once per {@code
 * jwks-min-refresh-interval}, so a flood of made-up kids cannot turn the gateway into a load
 * generator against identity.
 */
@ApplicationScoped
public class JwksKeys {

  private static final Logger LOG = Logger.getLogger(JwksKeys.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Counter fetches;
  private HttpClient client;
  private volatile Map<String, PublicKey> keys = Map.of();
  private volatile boolean loaded;
  private long lastFetchNanos;
  private boolean fetchedOnce;
  private CompletableFuture<Void> inflight;
  private long timer = -1;
  private int failures;

  JwksKeys(Vertx vertx, GatewayConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.fetches =
        Counter.builder("gateway.jwks.fetches")
            .description("JWKS fetches from identity")
            .register(registry);
  }

  void start(@Observes StartupEvent event) {
    client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(2));
    scheduleNext(0);
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Whether a key set has been loaded (readiness). */
  public boolean loaded() {
    return loaded;
  }

  /** Whether {@code key} is still the key named {@code kid} in the current key set. */
  public boolean current(String kid, PublicKey key) {
    return key.equals(keys.get(kid));
  }

  /** The key {@code kid}; an unknown kid causes one refresh unless one happened lately. */
  public Future<Optional<PublicKey>> key(String kid) {
    PublicKey known = keys.get(kid);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    CompletableFuture<Void> refresh = refreshIfAllowed();
    if (refresh == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return Future.fromCompletionStage(refresh)
        .transform(ignored -> Future.succeededFuture(Optional.ofNullable(keys.get(kid))));
  }

  private synchronized CompletableFuture<Void> refreshIfAllowed() {
    if (inflight != null) {
      return inflight;
    }
    long floor = config.jwt().jwksMinRefreshInterval().toNanos();
    if (fetchedOnce && System.nanoTime() - lastFetchNanos < floor) {
      return null;
    }
    return fetch();
  }

  private synchronized CompletableFuture<Void> fetch() {
    if (inflight != null) {
      return inflight;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    inflight = done;
    fetchedOnce = true;
    lastFetchNanos = System.nanoTime();
    fetches.increment();
    long timeout = config.jwt().jwksFetchTimeout().toMillis();
    client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(config.jwksUrl())
                .setConnectTimeout(timeout)
                .setIdleTimeout(timeout)
                .putHeader("Accept", "application/json"))
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.statusCode() == 200
                    ? resp.body()
                    : Future.<Buffer>failedFuture("JWKS answered " + resp.statusCode()))
        .onComplete(
            ar -> {
              synchronized (this) {
                inflight = null;
              }
              if (ar.succeeded()) {
                try {
                  install(ar.result().toString());
                  failures = 0;
                  done.complete(null);
                } catch (Exception e) {
                  LOG.warnf("Unusable JWKS from %s: %s", config.jwksUrl(), e.getMessage());
                  done.completeExceptionally(e);
                }
              } else {
                failures++;
                // Once a minute at most while identity is away: the retry runs every few seconds.
                if (failures == 1 || failures % 30 == 0) {
                  LOG.warnf(
                      "Could not fetch JWKS from %s (%d failures): %s",
                      config.jwksUrl(), failures, ar.cause());
                }
                done.completeExceptionally(ar.cause());
              }
            });
    return done;
  }

  private void install(String json) throws Exception {
    Map<String, PublicKey> found = new HashMap<>();
    for (JsonWebKey jwk : new JsonWebKeySet(json).getJsonWebKeys()) {
      boolean signing = jwk.getUse() == null || "sig".equals(jwk.getUse());
      boolean rs256 = jwk.getAlgorithm() == null || "RS256".equals(jwk.getAlgorithm());
      if (jwk instanceof RsaJsonWebKey rsa && jwk.getKeyId() != null && signing && rs256) {
        found.put(jwk.getKeyId(), rsa.getPublicKey());
      }
    }
    if (found.isEmpty()) {
      throw new IllegalStateException("no RS256 signing key with a kid");
    }
    keys = Map.copyOf(found);
    if (!loaded) {
      LOG.infof("Loaded %d signing key(s) from %s", found.size(), config.jwksUrl());
    }
    loaded = true;
  }

  private void scheduleNext(long delayMillis) {
    timer =
        vertx.setTimer(
            Math.max(1, delayMillis),
            id ->
                fetch()
                    .whenComplete(
                        (ok, failure) ->
                            scheduleNext(
                                loaded
                                    ? config.jwt().jwksRefreshInterval().toMillis()
                                    : config.jwt().jwksRetryInterval().toMillis())));
  }
}
