package dev.tessera.orders.it;

import static dev.tessera.orders.it.OrdersTestSupport.as;
import static dev.tessera.orders.it.OrdersTestSupport.count;
import static dev.tessera.orders.it.OrdersTestSupport.items;
import static dev.tessera.testing.ProblemAnswers.expectInvalid;
import static dev.tessera.testing.ProblemAnswers.expectUnavailable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.testing.DatabaseOutage;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What orders answers at its edge: bad input is a 400, a database outage a 503. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class EdgeTest {

  private static final String MUG = "TSR-MUG-001";

  @Test
  void a_control_character_or_an_over_long_string_in_the_body_is_a_400_and_places_nothing() {
    UUID userId = UUID.randomUUID();
    expectInvalid(place(userId, null, items(MUG, 1, "TSR-\\u0000", 1)), "items[1].sku");
    expectInvalid(place(userId, null, items("x".repeat(1001), 1)), "items[0].sku");
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isZero();
  }

  @Test
  void a_control_character_in_the_idempotency_key_is_a_400_and_places_nothing() throws IOException {
    UUID userId = UUID.randomUUID();
    // Written by hand: REST Assured's client turns a control character in a header into '?'
    // (so the order was placed with "key?..." — that was the 201 seen, not the server).
    String body = items(MUG, 1);
    String request =
        "POST /api/orders HTTP/1.1\r\n"
            + "Host: localhost\r\n"
            + "Authorization: Bearer "
            + TestTokens.forUser(userId)
            + "\r\n"
            + "Idempotency-Key: key\u0001"
            + userId
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n"
            + "Connection: close\r\n\r\n"
            + body;
    String answer;
    try (Socket socket = new Socket("localhost", RestAssured.port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    // The HTTP codec refuses it before routing: a bare 400 (no problem body, as for any
    // malformed request line or header), so CheckedParameters never even sees it.
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isZero();
  }

  @Test
  void a_control_character_in_a_query_parameter_is_a_400_naming_it() {
    expectInvalid(
        as(UUID.randomUUID()).urlEncodingEnabled(false).get("/api/orders?status=%01").then(),
        "status");
  }

  @Test
  void with_the_database_refusing_connections_a_read_and_a_write_are_503_with_retry_after() {
    UUID userId = UUID.randomUUID();
    try (var outage = DatabaseOutage.of("orders")) {
      expectUnavailable(as(userId).get("/api/orders").then());
      expectUnavailable(place(userId, null, items(MUG, 1)));
    }
    as(userId).get("/api/orders").then().statusCode(200);
    assertThat(count("select count(*) from orders where user_id = ?", userId)).isZero();
  }

  private static ValidatableResponse place(UUID userId, String key, String body) {
    var request = as(userId).contentType(ContentType.JSON).body(body);
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return request.post("/api/orders").then();
  }
}
