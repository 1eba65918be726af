package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.TEE;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.place;
import static dev.tessera.orders.it.OrdersTestSupport.produce;
import static dev.tessera.orders.it.OrdersTestSupport.status;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.servers.Restartable;
import dev.tessera.testing.TesseraServers;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cached reads of orders: fresh after every change, never another user's, one load a key. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class OrderCachingTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Inject MeterRegistry meters;

  @TestHTTPResource("/api/orders/")
  URI orders;

  @BeforeAll
  static void captureOutbox() {
    OrdersTestSupport.captureOutbox();
  }

  @Test
  void a_cached_order_is_still_a_404_for_anyone_but_its_owner() {
    UUID owner = UUID.randomUUID();
    UUID orderId = place(owner, MUG, 1);
    assertThat(status(owner, orderId)).isEqualTo("PENDING_PAYMENT");
    assertThat(status(owner, orderId)).isEqualTo("PENDING_PAYMENT");

    as(UUID.randomUUID()).get("/api/orders/" + orderId).then().statusCode(404);
  }

  @Test
  void a_payment_result_consumed_from_billing_shows_in_the_cached_order_and_first_page() {
    UUID userId = UUID.randomUUID();
    UUID orderId = place(userId, MUG, 1);
    // Both reads are cached now.
    assertThat(status(userId, orderId)).isEqualTo("PENDING_PAYMENT");
    as(userId)
        .get("/api/orders")
        .then()
        .statusCode(200)
        .body("items[0].status", equalTo("PENDING_PAYMENT"));

    produce(
        UUID.randomUUID().toString(),
        new PaymentSucceeded(
            UUID.randomUUID(),
            orderId,
            userId,
            new Money(1290, "EUR"),
            UUID.randomUUID(),
            Instant.now()));

    await().atMost(DEADLINE).until(() -> status(userId, orderId).equals("CONFIRMED"));
    as(userId)
        .get("/api/orders")
        .then()
        .statusCode(200)
        .body("items[0].status", equalTo("CONFIRMED"));
  }

  @Test
  void the_first_page_shows_an_order_placed_or_cancelled_a_moment_ago() {
    UUID userId = UUID.randomUUID();
    place(userId, MUG, 1);
    as(userId).get("/api/orders").then().statusCode(200).body("items", hasSize(1));

    UUID second = place(userId, TEE, 1);
    as(userId).get("/api/orders").then().statusCode(200).body("items", hasSize(2));

    as(userId).post("/api/orders/" + second + "/cancellation").then().statusCode(200);
    as(userId)
        .get("/api/orders")
        .then()
        .statusCode(200)
        .body("items[0].id", equalTo(second.toString()))
        .body("items[0].status", equalTo("CANCELLED"));
    assertThat(status(userId, second)).isEqualTo("CANCELLED");
  }

  @Test
  void two_hundred_concurrent_reads_of_a_cold_order_read_the_database_once() {
    UUID owner = UUID.randomUUID();
    UUID orderId = place(owner, MUG, 2);
    String token = TestTokens.forUser(owner);
    long before = loads("order");

    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      reads.add(
          http.sendAsync(
              HttpRequest.newBuilder(orders.resolve(orderId.toString()))
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();

    assertThat(reads).allSatisfy(r -> assertThat(r.join().statusCode()).isEqualTo(200));
    assertThat(loads("order") - before).isEqualTo(1);
  }

  @Test
  void with_redis_gone_reads_and_writes_still_answer_and_stay_fresh() {
    UUID userId = UUID.randomUUID();
    UUID orderId = place(userId, MUG, 1);
    assertThat(status(userId, orderId)).isEqualTo("PENDING_PAYMENT");
    Restartable redis = TesseraServers.restartable(TesseraServers.shared().redis());
    redis.stop();
    try {
      assertThat(status(userId, orderId)).isEqualTo("PENDING_PAYMENT");
      as(userId).get("/api/orders").then().statusCode(200).body("items", hasSize(1));
      as(userId).post("/api/orders/" + orderId + "/cancellation").then().statusCode(200);
      assertThat(status(userId, orderId)).isEqualTo("CANCELLED");
      as(userId)
          .get("/api/orders")
          .then()
          .statusCode(200)
          .body("items[0].status", equalTo("CANCELLED"));
    } finally {
      redis.start();
    }
    await().atMost(DEADLINE).until(() -> status(userId, orderId).equals("CANCELLED"));
  }

  @Test
  void the_catalog_carries_validators_and_an_unchanged_catalog_is_a_304() {
    String etag =
        given()
            .get("/api/orders/catalog")
            .then()
            .statusCode(200)
            .header("Cache-Control", "public, max-age=60")
            .header("Last-Modified", org.hamcrest.Matchers.notNullValue())
            .extract()
            .header("ETag");
    assertThat(etag).matches("\"[A-Za-z0-9_-]+\"");

    given()
        .header("If-None-Match", etag)
        .get("/api/orders/catalog")
        .then()
        .statusCode(304)
        .header("ETag", etag);
    given()
        .header("If-None-Match", "\"something-else\"")
        .get("/api/orders/catalog")
        .then()
        .statusCode(200);
  }

  private long loads(String cache) {
    return meters.find("tessera.cache.loads").tag("cache", cache).timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
