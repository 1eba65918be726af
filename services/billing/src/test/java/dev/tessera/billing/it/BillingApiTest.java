package dev.tessera.billing.it;

import static dev.tessera.billing.it.Billing.order;
import static dev.tessera.billing.it.Billing.paymentStatus;
import static dev.tessera.billing.it.Billing.produce;
import static dev.tessera.billing.it.Billing.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API: owner-only reads, validation answered as problems, keyset pages. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = Billing.SERVICE))
@QuarkusTestResource(JwtKeys.class)
class BillingApiTest {

  /** /q/metrics, on the management interface (its own port; its root /q prefixes the value). */
  @TestHTTPResource(value = "/metrics", management = true)
  URL metricsUrl;

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @BeforeAll
  static void captureOutbox() {
    Billing.captureOutbox();
  }

  @Test
  void a_new_user_sees_the_default_payment_method_and_can_change_it() {
    UUID userId = UUID.randomUUID();
    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/account")
        .then()
        .statusCode(200)
        .body("userId", equalTo(userId.toString()))
        .body("paymentMethod", equalTo("tok_visa"))
        .body("supportedPaymentMethods", hasItem("tok_insufficientFunds"));

    given()
        .auth()
        .oauth2(token(userId))
        .contentType(ContentType.JSON)
        .body(Map.of("token", "tok_insufficientFunds"))
        .put("/api/billing/account/payment-method")
        .then()
        .statusCode(200)
        .body("paymentMethod", equalTo("tok_insufficientFunds"))
        .body("updatedAt", notNullValue());
    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/account")
        .then()
        .statusCode(200)
        .body("paymentMethod", equalTo("tok_insufficientFunds"));
  }

  @Test
  void a_payment_method_that_is_not_a_supported_test_token_is_a_400_problem_naming_the_field() {
    UUID userId = UUID.randomUUID();
    // Bad input tried: an unknown token, a real-looking card number, a wrong case, an empty one,
    // a missing field and a body that is not JSON.
    for (Object body :
        List.of(
            Map.of("token", "tok_mastercard"),
            Map.of("token", "4242424242424242"),
            Map.of("token", "TOK_VISA"),
            Map.of("token", ""),
            Map.of())) {
      given()
          .auth()
          .oauth2(token(userId))
          .contentType(ContentType.JSON)
          .body(body)
          .put("/api/billing/account/payment-method")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("status", equalTo(400))
          .body("title", notNullValue())
          .body("type", notNullValue())
          .body("instance", equalTo("/api/billing/account/payment-method"))
          .body("errors[0].field", equalTo("token"));
    }
    given()
        .auth()
        .oauth2(token(userId))
        .contentType(ContentType.JSON)
        .body("{\"token\":")
        .put("/api/billing/account/payment-method")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(token(userId))
        .get("/api/billing/account")
        .then()
        .body("paymentMethod", equalTo("tok_visa"));
  }

  @Test
  void another_users_invoice_is_404_like_a_missing_one() {
    UUID owner = UUID.randomUUID();
    OrderPlaced order = order(owner);
    produce(order);
    await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(order.orderId())));
    String invoiceId = invoiceIdOf(order);

    given()
        .auth()
        .oauth2(token(owner))
        .get("/api/billing/invoices/{id}", invoiceId)
        .then()
        .statusCode(200);
    given()
        .auth()
        .oauth2(token(UUID.randomUUID()))
        .get("/api/billing/invoices/{id}", invoiceId)
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("no such invoice"));
    given()
        .auth()
        .oauth2(token(owner))
        .get("/api/billing/invoices/{id}", UUID.randomUUID())
        .then()
        .statusCode(404)
        .body("detail", equalTo("no such invoice"));
    given()
        .auth()
        .oauth2(token(owner))
        .get("/api/billing/invoices/not-a-uuid")
        .then()
        .statusCode(404);
  }

  @Test
  void invoices_are_listed_newest_first_in_keyset_pages() {
    UUID userId = UUID.randomUUID();
    List<OrderPlaced> orders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      OrderPlaced order = order(userId);
      orders.add(order);
      produce(order);
      await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(order.orderId())));
    }

    JsonPath first =
        given()
            .auth()
            .oauth2(token(userId))
            .queryParam("limit", 2)
            .get("/api/billing/invoices")
            .then()
            .statusCode(200)
            .body("items.size()", equalTo(2))
            .body("nextCursor", notNullValue())
            .extract()
            .jsonPath();
    assertThat(first.getList("items.orderId", String.class))
        .containsExactly(orders.get(2).orderId().toString(), orders.get(1).orderId().toString());
    List<String> numbers = first.getList("items.number", String.class);
    assertThat(numbers.get(0)).isGreaterThan(numbers.get(1));

    given()
        .auth()
        .oauth2(token(userId))
        .queryParam("limit", 2)
        .queryParam("cursor", first.getString("nextCursor"))
        .get("/api/billing/invoices")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("items[0].orderId", equalTo(orders.get(0).orderId().toString()))
        .body("nextCursor", nullValue());
  }

  @Test
  void a_bad_limit_or_cursor_is_a_400_problem_naming_the_parameter() {
    String token = token(UUID.randomUUID());
    // Bad input tried: zero, negative, too large, not a number, and a cursor nobody issued.
    for (String limit : List.of("0", "-1", "101", "ten")) {
      given()
          .auth()
          .oauth2(token)
          .queryParam("limit", limit)
          .get("/api/billing/invoices")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo("limit"));
    }
    given()
        .auth()
        .oauth2(token)
        .queryParam("cursor", "bm90LWEtY3Vyc29y")
        .get("/api/billing/invoices")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("cursor"));
  }

  @Test
  void a_request_without_a_valid_token_is_a_401_problem() {
    given()
        .get("/api/billing/account")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    // Bad input tried: a token that is not a JWT, and one with a subject that is not a user id.
    given()
        .auth()
        .oauth2("not-a-jwt")
        .get("/api/billing/invoices")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(
            io.smallrye.jwt.build.Jwt.issuer("tessera-identity")
                .audience("tessera")
                .subject("alice")
                .sign())
        .get("/api/billing/account")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
  }

  @Test
  void the_service_publishes_its_openapi_and_counts_charges_by_outcome() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths", org.hamcrest.Matchers.hasKey("/api/billing/invoices/{id}"));
    UUID userId = UUID.randomUUID();
    OrderPlaced order = order(userId);
    produce(order);
    await().atMost(DEADLINE).until(() -> "SUCCEEDED".equals(paymentStatus(order.orderId())));
    String metrics = given().get(metricsUrl).then().statusCode(200).extract().asString();
    assertThat(metrics).contains("billing_charges_total{outcome=\"succeeded\"");
  }

  private static String invoiceIdOf(OrderPlaced order) {
    return Billing.query("select id from invoice where order_id = ?", order.orderId())
        .get(0)
        .get("id")
        .toString();
  }
}
