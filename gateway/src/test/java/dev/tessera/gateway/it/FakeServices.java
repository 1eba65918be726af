package dev.tessera.gateway.it;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * What the gateway talks to, as real HTTP servers on loopback: identity's JWKS (with a key pair
 * generated here, which signs the test tokens) and upstream service instances that record every
 * request they receive. Started once per test JVM, on the ports {@link GatewayTestResource} chose.
 */
public final class FakeServices {

  /** One request as an upstream instance received it. */
  public record Received(
      String instance, String method, String uri, Map<String, List<String>> headers, String body) {

    /** The first value of {@code name} (case-insensitive), or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }

  private static FakeServices instance;

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
  private final List<RsaJsonWebKey> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger jwksHits = new AtomicInteger();
  private final RsaJsonWebKey signingKey;

  /** The ETag of the fake catalog. */
  public static final String CATALOG_ETAG = "\"catalog-1\"";

  private FakeServices() {
    signingKey = newKey();
    published.add(signingKey);
  }

  /** The running fake services, started on first use. */
  public static synchronized FakeServices get() {
    if (instance == null) {
      FakeServices services = new FakeServices();
      services.start();
      instance = services;
    }
    return instance;
  }

  private void start() {
    var config = ConfigProvider.getConfig();
    listen(
        URI.create(config.getValue("tessera.gateway.jwks-url", String.class)).getPort(),
        this::jwks);
    startInstances(
        "identity", config.getValue("tessera.gateway.upstreams.identity", String.class), 2);
    startInstances("orders", config.getValue("tessera.gateway.upstreams.orders", String.class), 1);
    startInstances(
        "notifications",
        config.getValue("tessera.gateway.upstreams.notifications", String.class),
        1);
    startInstances(
        "inventory", config.getValue("tessera.gateway.upstreams.inventory", String.class), 2);
  }

  private void startInstances(String service, String urls, int howMany) {
    String[] all = urls.split(",");
    for (int i = 0; i < howMany; i++) {
      String name = service + "-" + (i + 1);
      listen(URI.create(all[i].trim()).getPort(), request -> upstream(name, service, request));
    }
  }

  private void listen(int port, io.vertx.core.Handler<HttpServerRequest> handler) {
    HttpServer server = vertx.createHttpServer().requestHandler(handler);
    try {
      server
          .listen(port, "127.0.0.1")
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + port, e);
    }
  }

  private void jwks(HttpServerRequest request) {
    jwksHits.incrementAndGet();
    JsonArray keys = new JsonArray();
    for (RsaJsonWebKey key : published) {
      keys.add(new JsonObject(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
    }
    request
        .response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("keys", keys).encode());
  }

  private void upstream(String name, String service, HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              Map<String, List<String>> headers = new HashMap<>();
              request
                  .headers()
                  .forEach(
                      e ->
                          headers
                              .computeIfAbsent(
                                  e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                              .add(e.getValue()));
              String path = request.path();
              if (path.startsWith("/q/openapi")) {
                request
                    .response()
                    .putHeader("Content-Type", "application/json")
                    .end(openApi(service).encode());
                return;
              }
              received.add(
                  new Received(
                      name, request.method().name(), request.uri(), headers, body.toString()));
              var response = request.response();
              response.putHeader("X-Upstream-Instance", name);
              response.putHeader("Keep-Alive", "timeout=5");
              if (path.contains("/slow/")) {
                // Longer than the gateway's 2 s timeout in the tests.
                vertx.setTimer(4000, id -> response.end("{}"));
                return;
              }
              if (path.contains("/shedding/")) {
                // A healthy instance refusing work on purpose, as a bounded pool does.
                response
                    .setStatusCode(503)
                    .putHeader("Retry-After", "1")
                    .putHeader("Content-Type", "application/problem+json")
                    .end(new JsonObject().put("status", 503).put("title", "busy").encode());
                return;
              }
              if (path.contains("/broken-on-1/") && name.endsWith("-1")) {
                response.setStatusCode(500).end();
                return;
              }
              if (request.method().name().equals("DELETE")
                  && path.equals("/api/identity/tokens/current")) {
                response.setStatusCode(204).end();
                return;
              }
              if (path.equals("/api/orders/catalog")) {
                // A public, cacheable answer with a validator, as orders gives it.
                response
                    .putHeader("ETag", CATALOG_ETAG)
                    .putHeader("Cache-Control", "public, max-age=60")
                    .putHeader("Last-Modified", "Sat, 05 Dec 2026 07:00:00 GMT");
                if (CATALOG_ETAG.equals(request.getHeader("If-None-Match"))) {
                  response.setStatusCode(304).end();
                } else {
                  response.putHeader("Content-Type", "application/json").end("[]");
                }
                return;
              }
              if (path.contains("/flaky/")
                  && flaky.computeIfAbsent(path, k -> new AtomicInteger()).getAndIncrement() == 0) {
                response
                    .setStatusCode(503)
                    .putHeader("Content-Type", "application/problem+json")
                    .end(new JsonObject().put("status", 503).put("title", "flaky").encode());
                return;
              }
              response
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("instance", name)
                          .put("uri", request.uri())
                          .put("bodyLength", body.length())
                          .encode());
            });
  }

  private static JsonObject openApi(String service) {
    return new JsonObject()
        .put("openapi", "3.0.3")
        .put(
            "paths",
            new JsonObject()
                .put(
                    "/api/" + service + "/things",
                    new JsonObject()
                        .put("get", new JsonObject().put("summary", service + " things"))))
        .put(
            "components",
            new JsonObject()
                .put(
                    "schemas",
                    new JsonObject()
                        .put(service + "Thing", new JsonObject().put("type", "object"))));
  }

  /** Every request an upstream instance received whose URI contains {@code fragment}. */
  public List<Received> received(String fragment) {
    return received.stream().filter(r -> r.uri().contains(fragment)).toList();
  }

  /** How often the JWKS was fetched. */
  public int jwksHits() {
    return jwksHits.get();
  }

  /** Adds a new signing key to the JWKS (a rotation) and returns it. */
  public RsaJsonWebKey rotateIn() {
    RsaJsonWebKey key = newKey();
    published.add(key);
    return key;
  }

  /** Takes {@code key} out of the JWKS (the end of a rotation). */
  public void rotateOut(RsaJsonWebKey key) {
    published.remove(key);
  }

  /** The published public key that signs {@link #token()}. */
  public PublicKey publicKey() {
    return signingKey.getPublicKey();
  }

  /** The key pair that signs valid tokens. */
  public RsaJsonWebKey signingKey() {
    return signingKey;
  }

  /** A new RSA key pair with a random kid (published or not, as the caller decides). */
  public static RsaJsonWebKey newKey() {
    try {
      RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
      key.setKeyId("k-" + UUID.randomUUID());
      key.setUse("sig");
      key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
      return key;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets {@code revocations:seeded}, as identity does once Redis holds every revocation. */
  public static void markSeeded() {
    io.quarkus.arc.Arc.container()
        .instance(io.quarkus.redis.datasource.RedisDataSource.class)
        .get()
        .value(String.class)
        .set("revocations:seeded", "1");
  }

  /** Claims as identity issues them, for a fresh user. */
  public static JwtClaims claims() {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer("tessera-identity");
    claims.setAudience("tessera");
    claims.setSubject(UUID.randomUUID().toString());
    claims.setJwtId(UUID.randomUUID().toString());
    claims.setIssuedAtToNow();
    claims.setExpirationTime(
        NumericDate.fromSeconds(Instant.now().plus(Duration.ofMinutes(15)).getEpochSecond()));
    claims.setStringListClaim("roles", "user");
    claims.setClaim("sid", UUID.randomUUID().toString());
    return claims;
  }

  /** A valid access token for a fresh user. */
  public String token() {
    return sign(claims(), signingKey);
  }

  /** A valid token with {@code claims} changed by {@code change}. */
  public String token(Consumer<JwtClaims> change) {
    JwtClaims claims = claims();
    change.accept(claims);
    return sign(claims, signingKey);
  }

  /** {@code claims} signed RS256 by {@code key}, with its kid. */
  public static String sign(JwtClaims claims, RsaJsonWebKey key) {
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(key.getPrivateKey());
      jws.setKeyIdHeaderValue(key.getKeyId());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
      return jws.getCompactSerialization();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the gateway is ready (JWKS loaded, Redis reachable), with Redis marked as holding
   * every revocation, as identity marks it after seeding.
   */
  public static void awaitReady() {
    markSeeded();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> io.restassured.RestAssured.given().get("/q/health/ready").statusCode() == 200);
  }
}
