package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.MUG;
import static dev.tessera.orders.it.OrdersTestSupport.ORDER_EVENTS;
import static dev.tessera.orders.it.OrdersTestSupport.STICKERS;
import static dev.tessera.orders.it.OrdersTestSupport.TEE;
import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.count;
import static dev.tessera.orders.it.OrdersTestSupport.items;
import static dev.tessera.orders.it.OrdersTestSupport.readTopic;
import static dev.tessera.testing.TopicReader.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.Money;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class OrderPlacementTest {

  private static final Duration CDC = Duration.ofSeconds(30);

  @BeforeAll
  static void captureOutbox() {
    OrdersTestSupport.captureOutbox();
  }

  @Test
  void the_catalog_is_public_and_lists_the_seeded_products_in_minor_units() {
    given()
        .get("/api/orders/catalog")
        .then()
        .statusCode(200)
        .header("Cache-Control", "public, max-age=60")
        .body("sku", hasItem(MUG))
        .body("find { it.sku == 'TSR-MUG-001' }.price.amount", equalTo(1290))
        .body("find { it.sku == 'TSR-MUG-001' }.price.currency", equalTo("EUR"));
  }

  @Test
  void a_placed_order_awaits_payment_and_publishes_OrderPlaced_keyed_by_its_id_with_the_total() {
    UUID userId = UUID.randomUUID();
    try (var reader = readTopic(ORDER_EVENTS)) {
      Response response =
          as(userId)
              .contentType(ContentType.JSON)
              .body(items(MUG, 2, STICKERS, 3))
              .post("/api/orders");
      response
          .then()
          .statusCode(201)
          .header("Location", startsWith("/api/orders/"))
          .body("status", equalTo("PENDING_PAYMENT"))
          .body("items.sku", containsInAnyOrder(MUG, STICKERS))
          .body("total.amount", equalTo(2 * 1290 + 3 * 450))
          .body("total.currency", equalTo("EUR"));
      UUID orderId = UUID.fromString(response.path("id"));
      assertThat(response.header("Location")).endsWith(orderId.toString());

      await().atMost(CDC).until(() -> reader.withKey(orderId).size() == 1);
      var record = reader.withKey(orderId).get(0);
      assertThat(header(record, "eventType")).isEqualTo("OrderPlaced");
      assertThat(EventSchemas.errors("OrderPlaced", record.value())).isEmpty();
      OrderPlaced event = EventCodec.fromJson(record.value(), OrderPlaced.class);
      assertThat(event.userId()).isEqualTo(userId);
      assertThat(event.total()).isEqualTo(new Money(2 * 1290 + 3 * 450, "EUR"));
      assertThat(event.items()).hasSize(2);
      assertThat(event.items().get(0).unitPrice()).isEqualTo(new Money(1290, "EUR"));
    }
  }

  @Test
  void the_same_key_and_body_replays_the_first_response_and_places_one_order() {
    UUID userId = UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    Response first =
        as(userId)
            .header("Idempotency-Key", key)
            .contentType(ContentType.JSON)
            .body(items(TEE, 1))
            .post("/api/orders");
    first.then().statusCode(201);
    // Same meaning, different bytes: whitespace does not make it another request.
    Response again =
        as(userId)
            .header("Idempotency-Key", key)
            .contentType(ContentType.JSON)
            .body("{ \"items\" : [ { \"quantity\": 1, \"sku\": \"" + TEE + "\" } ] }")
            .post("/api/orders");
    again.then().statusCode(201).header("Idempotent-Replayed", "true");

    assertThat(again.asString()).isEqualTo(first.asString());
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isEqualTo(1);
  }

  @Test
  void concurrent_requests_with_one_key_place_one_order_and_all_get_its_response()
      throws Exception {
    UUID userId = UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    String token = TestTokens.forUser(userId);
    var pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Response>> responses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        responses.add(
            pool.submit(
                () ->
                    given()
                        .auth()
                        .oauth2(token)
                        .header("Idempotency-Key", key)
                        .contentType(ContentType.JSON)
                        .body(items(MUG, 1, TEE, 1))
                        .post("/api/orders")));
      }
      Set<String> bodies = new HashSet<>();
      for (Future<Response> response : responses) {
        Response r = response.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(201);
        bodies.add(r.asString());
      }
      assertThat(bodies).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isEqualTo(1);
  }

  @Test
  void the_same_key_with_another_body_is_refused_with_422() {
    UUID userId = UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    as(userId)
        .header("Idempotency-Key", key)
        .contentType(ContentType.JSON)
        .body(items(TEE, 1))
        .post("/api/orders")
        .then()
        .statusCode(201);

    as(userId)
        .header("Idempotency-Key", key)
        .contentType(ContentType.JSON)
        .body(items(TEE, 2))
        .post("/api/orders")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/idempotency-key-reused"))
        .body("status", equalTo(422));
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isEqualTo(1);
  }

  @Test
  void keys_are_per_user_so_two_users_with_one_key_get_two_orders() {
    String key = "shared-" + UUID.randomUUID();
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    String a =
        as(alice)
            .header("Idempotency-Key", key)
            .contentType(ContentType.JSON)
            .body(items(MUG, 1))
            .post("/api/orders")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String b =
        as(bob)
            .header("Idempotency-Key", key)
            .contentType(ContentType.JSON)
            .body(items(MUG, 1))
            .post("/api/orders")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void invalid_bodies_are_400_problems_naming_each_field_at_fault() {
    UUID userId = UUID.randomUUID();
    // Tried: no items, an empty list, quantity 0 and 101, a missing SKU and quantity, a SKU twice.
    post(userId, "{}").then().statusCode(400).body("errors.field", hasItem("items"));
    post(userId, "{\"items\":[]}").then().statusCode(400).body("errors.field", hasItem("items"));
    post(userId, items(MUG, 0, TEE, 101))
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/invalid-request"))
        .body("title", equalTo("Invalid request"))
        .body("status", equalTo(400))
        .body("instance", equalTo("/api/orders"))
        .body("errors.field", containsInAnyOrder("items[0].quantity", "items[1].quantity"));
    post(userId, "{\"items\":[{\"quantity\":1},{\"sku\":\"" + MUG + "\"}]}")
        .then()
        .statusCode(400)
        .body("errors.field", containsInAnyOrder("items[0].sku", "items[1].quantity"));
    post(userId, items(MUG, 1, TEE, 1, MUG, 2))
        .then()
        .statusCode(400)
        .body("errors.field", equalTo(List.of("items[2].sku")));
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isZero();
  }

  @Test
  void more_than_twenty_lines_is_a_400_problem() {
    Object[] lines = new Object[42];
    for (int i = 0; i < 21; i++) {
      lines[2 * i] = "SKU-" + i;
      lines[2 * i + 1] = 1;
    }
    post(UUID.randomUUID(), items(lines))
        .then()
        .statusCode(400)
        .body("errors.field", equalTo(List.of("items")));
  }

  @Test
  void unreadable_json_and_wrong_types_are_400_problems_not_500() {
    UUID userId = UUID.randomUUID();
    // Tried: text that is not JSON, a quantity that is not a number, items that is not a list.
    post(userId, "{not json")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400));
    post(userId, "{\"items\":[{\"sku\":\"" + MUG + "\",\"quantity\":\"many\"}]}")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    post(userId, "{\"items\":\"" + MUG + "\"}")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void an_unknown_sku_is_a_422_problem_naming_the_line() {
    UUID userId = UUID.randomUUID();
    post(userId, items(MUG, 1, "NO-SUCH-SKU", 1))
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/unprocessable-order"))
        .body("errors", hasSize(1))
        .body("errors[0].field", equalTo("items[1].sku"));
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isZero();
  }

  @Test
  void requests_without_a_valid_token_are_401_problems() {
    // Tried: no token, a token of another issuer, of another audience, an expired one, garbage.
    given()
        .contentType(ContentType.JSON)
        .body(items(MUG, 1))
        .post("/api/orders")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", startsWith("Bearer"));
    UUID userId = UUID.randomUUID();
    for (String token :
        List.of(
            TestTokens.sign(userId.toString(), "someone-else", "tessera", Duration.ofMinutes(5)),
            TestTokens.sign(userId.toString(), "tessera-identity", "other", Duration.ofMinutes(5)),
            TestTokens.sign(
                userId.toString(), "tessera-identity", "tessera", Duration.ofSeconds(-120)),
            "not.a.token")) {
      given()
          .auth()
          .oauth2(token)
          .get("/api/orders")
          .then()
          .statusCode(401)
          .contentType("application/problem+json");
    }
  }

  private static Response post(UUID userId, String body) {
    return as(userId).contentType(ContentType.JSON).body(body).post("/api/orders");
  }
}
