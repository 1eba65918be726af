package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.tessera.gateway.ratelimit.Decision;
import dev.tessera.gateway.ratelimit.RedisTokenBuckets;
import dev.tessera.gateway.redis.PipelinedRedis;
import dev.tessera.servers.Restartable;
import dev.tessera.servers.Servers;
import dev.tessera.testing.TesseraServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Distributed rate limits on the real Redis, and the local fallback while Redis is down. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RateLimitTest {

  @Inject Vertx vertx;
  @Inject MeterRegistry registry;

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
  }

  @Test
  void a_user_over_the_limit_gets_429_with_retry_after_and_ratelimit_headers() {
    // notifications: capacity 5, 1 token/s, per user (see GatewayTestResource).
    String token = "Bearer " + services.token();
    String path = "/api/notifications/limited-" + UUID.randomUUID();
    Response first = given().header("Authorization", token).get(path);
    first
        .then()
        .statusCode(200)
        .header("RateLimit-Limit", "5")
        .header("RateLimit-Remaining", "4")
        .header("RateLimit-Reset", notNullValue());
    Response refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      Response r = given().header("Authorization", token).get(path);
      if (r.statusCode() == 429) {
        refused = r;
      }
    }
    assertThat(refused).as("a 429 within 10 requests over a burst of 5").isNotNull();
    refused
        .then()
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/rate-limited"))
        .header("Retry-After", notNullValue())
        .header("RateLimit-Limit", "5")
        .header("RateLimit-Remaining", "0")
        .header("RateLimit-Reset", notNullValue());
    assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 2L);
    // Another user is not affected.
    given().header("Authorization", "Bearer " + services.token()).get(path).then().statusCode(200);
  }

  @Test
  void two_gateway_instances_sharing_redis_admit_no_more_than_the_configured_rate() {
    Servers servers = TesseraServers.shared();
    String key = "shared-test:" + UUID.randomUUID();
    long capacity = 20;
    double rate = 100;
    // Two limiters with their own connections: as two gateway instances would be.
    Redis clientA = Redis.createClient(vertx, servers.redis().uri());
    Redis clientB = Redis.createClient(vertx, servers.redis().uri());
    try {
      RedisTokenBuckets a = new RedisTokenBuckets(new PipelinedRedis(clientA.getDelegate()));
      RedisTokenBuckets b = new RedisTokenBuckets(new PipelinedRedis(clientB.getDelegate()));
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      long started = System.nanoTime();
      long deadline = started + Duration.ofSeconds(3).toNanos();
      List<Uni<Void>> loops = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        RedisTokenBuckets limiter = i % 2 == 0 ? a : b;
        loops.add(loop(limiter, key, capacity, rate, deadline, admitted, refused));
      }
      Uni.join().all(loops).andFailFast().await().atMost(Duration.ofSeconds(20));
      double seconds = (System.nanoTime() - started) / 1e9;
      double allowed = capacity + rate * seconds;
      assertThat(refused.get()).as("the clients asked for more than the limit").isGreaterThan(0);
      // The bound that matters: together they never admit more than the limit. Below it, a
      // client on a loaded machine may simply not ask often enough to use every token; admitting
      // more than the initial burst shows the bucket refills.
      assertThat((double) admitted.get())
          .as("admitted in %.2f s (limit %.0f)", seconds, allowed)
          .isLessThanOrEqualTo(allowed * 1.10)
          .isGreaterThan((double) capacity);
    } finally {
      clientA.close();
      clientB.close();
    }
  }

  private static Uni<Void> loop(
      RedisTokenBuckets limiter,
      String key,
      long capacity,
      double rate,
      long deadline,
      AtomicInteger admitted,
      AtomicInteger refused) {
    // Repeated, not recursive: a chain that nests one step per answer grows the stack with every
    // Redis round trip and overflowed on a fast machine.
    return Uni.createFrom()
        .completionStage(() -> limiter.take(key, capacity, rate, 2_000).toCompletionStage())
        .invoke((Decision d) -> (d.allowed() ? admitted : refused).incrementAndGet())
        .repeat()
        .until(ignored -> System.nanoTime() >= deadline)
        .collect()
        .last()
        .replaceWithVoid();
  }

  @Test
  void
      with_redis_down_the_gateway_stays_ready_and_the_local_limiter_keeps_serving_and_is_counted() {
    Restartable redis = TesseraServers.restartable(TesseraServers.shared().redis());
    double before = fallbacks();
    redis.stop();
    try {
      given().get("/api/orders/catalog").then().statusCode(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                given()
                    .get("/api/orders/catalog")
                    .then()
                    .statusCode(200)
                    .header("RateLimit-Limit", notNullValue());
                assertThat(fallbacks()).isGreaterThan(before);
              });
      // Revocation cannot be checked: authenticated calls fail closed, as a problem.
      given()
          .header("Authorization", "Bearer " + services.token())
          .get("/api/orders/while-redis-is-down")
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .body("type", equalTo("https://tessera.dev/problems/revocation-unavailable"));
      // Still ready: Redis is shared by every gateway instance, so following it would take them
      // all out of rotation at once. Readiness says the gateway runs degraded instead.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  given()
                      .get("/q/health/ready")
                      .then()
                      .statusCode(200)
                      .body("checks.find { it.name == 'redis' }.data.mode", equalTo("degraded")));
    } finally {
      redis.start();
    }
    // Back to the shared buckets (the script is loaded again after the restart: NOSCRIPT path).
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              double during = fallbacks();
              given().get("/api/orders/catalog").then().statusCode(200);
              assertThat(fallbacks()).isEqualTo(during);
            });
    FakeServices.awaitReady();
    // Every event loop's Redis connection died with Redis: none may answer from a dead one now.
    String token = services.token();
    for (int i = 0; i < 12; i++) {
      given()
          .header("Authorization", "Bearer " + token)
          .header("Connection", "close")
          .get("/api/orders/after-redis-restart-" + i)
          .then()
          .statusCode(200);
    }
  }

  private double fallbacks() {
    var counter = registry.find("gateway.ratelimit.fallback").counter();
    return counter == null ? 0 : counter.count();
  }
}
