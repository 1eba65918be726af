package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How requests travel to the upstreams, and what the gateway does when upstreams fail. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ForwardingTest {

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
  }

  private static String bearer() {
    return "Bearer " + services.token();
  }

  @Test
  void path_and_query_reach_the_upstream_unchanged() {
    String id = UUID.randomUUID().toString();
    String uri = "/api/orders/" + id + "/items?status=PAID&limit=2&q=a%20b&x=%2F";
    given()
        .urlEncodingEnabled(false)
        .header("Authorization", bearer())
        .get(uri)
        .then()
        .statusCode(200);
    assertThat(services.received(id))
        .singleElement()
        .satisfies(r -> assertThat(r.uri()).isEqualTo(uri));
  }

  @Test
  void hop_by_hop_and_spoofed_identity_headers_are_stripped_and_tracing_headers_forwarded() {
    String id = UUID.randomUUID().toString();
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    String token = bearer();
    Response response =
        given()
            .header("Authorization", token)
            .header("traceparent", traceparent)
            .header("X-Request-Id", "req-" + id)
            .header("Connection", "keep-alive, X-Secret-Hop")
            .header("X-Secret-Hop", "must not pass")
            .header("Keep-Alive", "timeout=5")
            .header("Proxy-Authorization", "Basic c2VjcmV0")
            .header("TE", "trailers")
            .header("X-User-Id", "admin")
            .header("X-Forwarded-User", "admin")
            .header("X-Auth-Roles", "admin")
            .header("X-Forwarded-For", "6.6.6.6")
            .header("X-Custom", "kept")
            .get("/api/orders/" + id);
    response.then().statusCode(200).header("X-Request-Id", "req-" + id);
    // The upstream's hop-by-hop response headers do not come back either.
    assertThat(response.getHeader("Keep-Alive")).isNull();
    assertThat(response.getHeader("X-Upstream-Instance")).isNotNull();

    FakeServices.Received r = services.received(id).get(0);
    assertThat(r.header("X-Secret-Hop")).isNull();
    assertThat(r.header("Keep-Alive")).isNull();
    assertThat(r.header("Proxy-Authorization")).isNull();
    assertThat(r.header("TE")).isNull();
    assertThat(r.header("X-User-Id")).isNull();
    assertThat(r.header("X-Forwarded-User")).isNull();
    assertThat(r.header("X-Auth-Roles")).isNull();
    assertThat(r.header("X-Custom")).isEqualTo("kept");
    assertThat(r.header("Authorization")).isEqualTo(token);
    // The same trace, continued by the gateway's own span: its id replaces the client's span id.
    // Exactly one traceparent: a copy of the client's next to it would conflict (CI saw both).
    assertThat(r.headers().get("traceparent")).hasSize(1);
    assertThat(r.header("traceparent"))
        .matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01")
        .isNotEqualTo(traceparent);
    assertThat(r.header("X-Request-Id")).isEqualTo("req-" + id);
    // The test client's loopback address is a trusted proxy here, so its X-Forwarded-For names the
    // client; an untrusted peer's is ignored (ClientAbuseTest).
    assertThat(r.header("X-Forwarded-For")).isEqualTo("6.6.6.6");
    assertThat(r.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(r.header("X-Forwarded-Host")).isNotNull();
  }

  @Test
  void a_request_id_is_generated_when_absent_and_echoed() {
    String id = UUID.randomUUID().toString();
    String requestId =
        given()
            .header("Authorization", bearer())
            .get("/api/orders/" + id)
            .then()
            .statusCode(200)
            .extract()
            .header("X-Request-Id");
    assertThat(UUID.fromString(requestId)).isNotNull();
    assertThat(services.received(id).get(0).header("X-Request-Id")).isEqualTo(requestId);
  }

  @Test
  void requests_alternate_between_two_instances() {
    String id = UUID.randomUUID().toString();
    String token = bearer();
    for (int i = 0; i < 4; i++) {
      given().header("Authorization", token).get("/api/identity/rr-" + id).then().statusCode(200);
    }
    List<String> instances =
        services.received(id).stream().map(FakeServices.Received::instance).toList();
    assertThat(instances).hasSize(4).containsOnly("identity-1", "identity-2");
    assertThat(instances.stream().filter("identity-1"::equals).count()).isEqualTo(2);
  }

  @Test
  void a_dead_instance_is_skipped_after_it_failed() {
    String id = UUID.randomUUID().toString();
    String token = bearer();
    // GETs are retried on the next instance, so they pass even when they meet the dead one first.
    for (int i = 0; i < 2; i++) {
      given().header("Authorization", token).get("/api/orders/warm-" + id).then().statusCode(200);
    }
    // POSTs are never retried: they all pass only because the dead instance is now skipped.
    for (int i = 0; i < 6; i++) {
      given()
          .header("Authorization", token)
          .contentType("application/json")
          .body("{\"n\":" + i + "}")
          .post("/api/orders/skip-" + id)
          .then()
          .statusCode(200)
          .body("bodyLength", equalTo(("{\"n\":" + i + "}").length()));
    }
    assertThat(services.received("skip-" + id))
        .hasSize(6)
        .allMatch(r -> r.instance().equals("orders-1"));
  }

  @Test
  void a_get_is_retried_after_a_5xx_and_a_post_is_not() {
    String token = bearer();
    String getPath = "/api/notifications/flaky/" + UUID.randomUUID();
    given().header("Authorization", token).get(getPath).then().statusCode(200);
    assertThat(services.received(getPath)).hasSize(2);

    String postPath = "/api/notifications/flaky/" + UUID.randomUUID();
    given()
        .header("Authorization", token)
        .contentType("application/json")
        .body("{}")
        .post(postPath)
        .then()
        .statusCode(503);
    assertThat(services.received(postPath)).hasSize(1);
  }

  @Test
  void a_dead_service_opens_its_circuit_and_then_fails_fast_with_a_503_problem() {
    String token = bearer();
    String type = null;
    for (int i = 0;
        i < 12 && !"https://tessera.dev/problems/upstream-circuit-open".equals(type);
        i++) {
      Response response = given().header("Authorization", token).get("/api/billing/account");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.contentType()).startsWith("application/problem+json");
      type = response.jsonPath().getString("type");
    }
    assertThat(type).isEqualTo("https://tessera.dev/problems/upstream-circuit-open");

    long started = System.nanoTime();
    given()
        .header("Authorization", token)
        .get("/api/billing/invoices")
        .then()
        .statusCode(503)
        .header("Retry-After", notNullValue())
        .body("type", equalTo("https://tessera.dev/problems/upstream-circuit-open"));
    assertThat((System.nanoTime() - started) / 1_000_000)
        .as("ms for an open circuit")
        .isLessThan(500);

    // Other services are unaffected.
    given()
        .header("Authorization", token)
        .get("/api/identity/after-billing-" + UUID.randomUUID())
        .then()
        .statusCode(200);
  }

  @Test
  void a_slow_upstream_gets_a_504_problem_within_the_timeout_and_is_not_retried() {
    String path = "/api/notifications/slow/" + UUID.randomUUID();
    long started = System.nanoTime();
    given()
        .header("Authorization", bearer())
        .get(path)
        .then()
        .statusCode(504)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/upstream-timeout"));
    assertThat((System.nanoTime() - started) / 1_000_000).as("ms until the 504").isLessThan(3500);
    assertThat(services.received(path)).hasSize(1);
  }

  @Test
  void a_body_over_the_limit_is_refused_with_413_whether_its_length_is_declared_or_not()
      throws Exception {
    String id = UUID.randomUUID().toString();
    byte[] big = new byte[1024 * 1024 + 1];
    given()
        .header("Authorization", bearer())
        .contentType("application/octet-stream")
        .body(big)
        .post("/api/orders/big-" + id)
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/payload-too-large"));

    // Chunked, no Content-Length: the limit is enforced while reading.
    URI uri = URI.create("http://localhost:" + port() + "/api/orders/big-chunked-" + id);
    HttpResponse<String> chunked =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(uri)
                    .header("Authorization", bearer())
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(big)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(services.received(id)).isEmpty();

    // Exactly at the limit passes.
    given()
        .header("Authorization", bearer())
        .contentType("application/octet-stream")
        .body(new byte[1024 * 1024])
        .post("/api/orders/at-limit-" + id)
        .then()
        .statusCode(200)
        .body("bodyLength", equalTo(1024 * 1024));
  }

  @Test
  void unknown_services_and_dot_segments_are_problems_not_forwarded() {
    given()
        .get("/api/unknown/thing")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .urlEncodingEnabled(false)
        .get("/api/orders/catalog/%2e%2e/secret")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void responses_carry_the_security_headers() {
    given()
        .header("Authorization", bearer())
        .get("/api/orders/headers-" + UUID.randomUUID())
        .then()
        .statusCode(200)
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "no-referrer")
        .header("Content-Security-Policy", notNullValue());
  }

  @Test
  void cors_preflight_from_a_configured_origin_is_answered() {
    given()
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "Authorization,Content-Type")
        .options("/api/orders")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", "http://localhost:3000");
  }

  private static int port() {
    return io.restassured.RestAssured.port;
  }
}
