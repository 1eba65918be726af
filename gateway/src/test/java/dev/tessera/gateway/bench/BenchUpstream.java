package dev.tessera.gateway.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.security.PublicKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * The one cheap authenticated endpoint that all three scenarios call: {@code GET /api/bench/item}
 * verifies the bearer token as every Tessera service does (RS256 signature with identity's key,
 * {@code exp}, {@code iss}, {@code aud}; nothing trusts the gateway) and answers a small JSON
 * document, on its own Vert.x instance with one server per core. It counts what it served, so a run
 * can prove every response it measured really came from here.
 */
final class BenchUpstream implements AutoCloseable {

  /** Path of the endpoint, the same directly, through the gateway and through nginx. */
  static final String PATH = "/api/" + BenchTestResource.SERVICE + "/item";

  private static final String BODY =
      "{\"id\":\"item-1\",\"name\":\"Widget\",\"price\":{\"amount\":1999,\"currency\":\"EUR\"},"
          + "\"inStock\":true}";

  private final Vertx vertx = Vertx.vertx();
  private final LongAdder served = new LongAdder();
  private final JwtConsumer tokens;

  private BenchUpstream(PublicKey identityKey) {
    tokens =
        new JwtConsumerBuilder()
            .setJwsAlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
            .setVerificationKey(identityKey)
            .setRequireExpirationTime()
            .setExpectedIssuer("tessera-identity")
            .setExpectedAudience("tessera")
            .setRequireSubject()
            .build();
  }

  /**
   * Listens on {@code 127.0.0.1:port} with {@code instances} servers sharing the port, accepting
   * tokens that {@code identityKey} verifies.
   */
  static BenchUpstream start(int port, int instances, PublicKey identityKey) {
    BenchUpstream upstream = new BenchUpstream(identityKey);
    try {
      upstream
          .vertx
          .deployVerticle(
              () -> upstream.new Server(port), new DeploymentOptions().setInstances(instances))
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      upstream.close();
      throw new IllegalStateException("cannot listen on " + port, e);
    }
    return upstream;
  }

  /** 200 responses served so far. */
  long served() {
    return served.sum();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("upstream did not stop", e);
    }
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET || !PATH.equals(request.path())) {
      request.response().setStatusCode(404).end();
      return;
    }
    if (!authenticated(request.getHeader("Authorization"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    served.increment();
    request.response().putHeader("Content-Type", "application/json").end(BODY);
  }

  private boolean authenticated(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    try {
      tokens.processToClaims(authorization.substring("Bearer ".length()));
      return true;
    } catch (InvalidJwtException e) {
      return false;
    }
  }

  /** One event loop's server; Vert.x spreads connections over the instances on the same port. */
  private final class Server extends AbstractVerticle {
    private final int port;

    Server(int port) {
      this.port = port;
    }

    @Override
    public void start(Promise<Void> started) {
      vertx
          .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
          .requestHandler(BenchUpstream.this::handle)
          .listen()
          .<Void>mapEmpty()
          .onComplete(started);
    }
  }
}
