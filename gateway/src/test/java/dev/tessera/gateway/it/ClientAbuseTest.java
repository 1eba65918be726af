package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an abusive client tries at the edge: stepping around a route group's limit, flooding forged
 * tokens, holding the gateway's memory and connections with bodies, spoofing its address, and
 * smuggling a second request past the gateway's framing.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ClientAbuseTest {

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
  }

  /** An address of its own for one test's client (documentation range, via the trusted proxy). */
  private static String clientAddress() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "198.51." + random.nextInt(256) + "." + (1 + random.nextInt(254));
  }

  @Test
  void every_spelling_of_an_auth_endpoint_is_counted_in_the_auth_group() {
    // auth: 900 per address here; anything else on identity: the default group's 1000 per user.
    for (String path :
        List.of(
            "/api/identity/tokens/",
            "/api/identity/users/",
            "/api/identity/tokens/refresh/",
            "/api/identity/Tokens")) {
      given()
          .header("X-Forwarded-For", clientAddress())
          .contentType("application/json")
          .body("{}")
          .post(path)
          .then()
          .statusCode(200)
          .header("RateLimit-Limit", "900");
    }
  }

  @Test
  void a_flood_of_forged_tokens_gets_429_and_then_even_a_good_token_is_not_verified() {
    // A real kid, a signature by another key: each one would cost an RSA verification.
    RsaJsonWebKey stranger = FakeServices.newKey();
    stranger.setKeyId(services.signingKey().getKeyId());
    String address = clientAddress();
    int refusedAs401 = 0;
    int refusedAs429 = 0;
    long started = System.nanoTime();
    for (int i = 0; i < 300 && refusedAs429 < 5; i++) {
      Response r =
          given()
              .header("X-Forwarded-For", address)
              .header(
                  "Authorization", "Bearer " + FakeServices.sign(FakeServices.claims(), stranger))
              .get("/api/orders/forged-" + UUID.randomUUID());
      assertThat(r.statusCode()).isIn(401, 429);
      if (r.statusCode() == 429) {
        refusedAs429++;
        assertThat(r.getHeader("Retry-After")).isNotNull();
        assertThat(r.jsonPath().getString("type"))
            .isEqualTo("https://tessera.dev/problems/rate-limited");
      } else {
        refusedAs401++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(refusedAs429).as("429s after %d failed authentications", refusedAs401).isEqualTo(5);
    // Capacity 200 and one more every 20 s here (GatewayTestResource).
    assertThat((double) refusedAs401).isLessThanOrEqualTo(200 + 0.05 * seconds + 1);
    // A valid token this gateway has not seen is not even checked from this address now...
    given()
        .header("X-Forwarded-For", address)
        .header("Authorization", "Bearer " + services.token())
        .get("/api/orders/after-flood-" + UUID.randomUUID())
        .then()
        .statusCode(429);
    // ...while every other address is served.
    given()
        .header("X-Forwarded-For", clientAddress())
        .header("Authorization", "Bearer " + services.token())
        .get("/api/orders/after-flood-" + UUID.randomUUID())
        .then()
        .statusCode(200);
  }

  @Test
  void an_anonymous_upload_is_refused_before_its_body_is_read() throws Exception {
    String path = "/api/orders/anonymous-upload-" + UUID.randomUUID();
    try (RawHttp http = RawHttp.connect("127.0.0.1")) {
      // Announces 1 MiB minus one byte and sends 16: the gateway must answer without waiting.
      http.send(
          "POST "
              + path
              + " HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/octet-stream\r\n"
              + "Content-Length: 1048575\r\n\r\n0123456789abcdef");
      String answer = http.read(1_000);
      assertThat(RawHttp.status(answer)).as(answer).isEqualTo(401);
      assertThat(answer).containsIgnoringCase("Connection: close");
      assertThat(http.closedByPeer(8_000)).as("connection closed").isTrue();
    }
    assertThat(services.received(path)).isEmpty();
  }

  @Test
  void a_body_that_trickles_in_gets_408_and_its_connection_closed() throws Exception {
    String path = "/api/orders/trickle-" + UUID.randomUUID();
    try (RawHttp http = RawHttp.connect("127.0.0.1")) {
      http.send(
          "POST "
              + path
              + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
              + services.token()
              + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
      long started = System.nanoTime();
      String answer = http.read(6_000);
      assertThat(RawHttp.status(answer)).as(answer).isEqualTo(408);
      // The read deadline is 2 s here.
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(6_000);
      assertThat(http.closedByPeer(5_000)).as("connection closed").isTrue();
    }
    assertThat(services.received(path)).isEmpty();
  }

  @Test
  void x_forwarded_for_counts_only_from_a_trusted_proxy_and_only_its_right_most_untrusted_hop()
      throws Exception {
    String id = UUID.randomUUID().toString();
    // 127.0.0.2 is not a trusted proxy: what it claims is ignored.
    try (RawHttp http = RawHttp.connect("127.0.0.2")) {
      http.send(
          "GET /api/orders/xff-untrusted-"
              + id
              + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
              + services.token()
              + "\r\nX-Forwarded-For: 9.9.9.9\r\nConnection: close\r\n\r\n");
      assertThat(RawHttp.status(http.read(1_000))).isEqualTo(200);
    }
    assertThat(services.received("xff-untrusted-" + id))
        .singleElement()
        .satisfies(r -> assertThat(r.header("X-Forwarded-For")).isEqualTo("127.0.0.2"));
    // Through the trusted proxy (127.0.0.1): the client wrote the left-most hop, the proxy the
    // last.
    given()
        .header("Authorization", "Bearer " + services.token())
        .header("X-Forwarded-For", "6.6.6.6, 7.7.7.7")
        .get("/api/orders/xff-chain-" + id)
        .then()
        .statusCode(200);
    assertThat(services.received("xff-chain-" + id))
        .singleElement()
        .satisfies(r -> assertThat(r.header("X-Forwarded-For")).isEqualTo("7.7.7.7"));
    // A trusted proxy in the chain is skipped over.
    given()
        .header("Authorization", "Bearer " + services.token())
        .header("X-Forwarded-For", "8.8.8.8, 127.0.0.1")
        .get("/api/orders/xff-proxies-" + id)
        .then()
        .statusCode(200);
    assertThat(services.received("xff-proxies-" + id))
        .singleElement()
        .satisfies(r -> assertThat(r.header("X-Forwarded-For")).isEqualTo("8.8.8.8"));
  }

  @Test
  void content_length_together_with_transfer_encoding_is_refused_with_400() throws Exception {
    assertSmugglingRefused(
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + "GET /api/orders/smuggled HTTP/1.1\r\nHost: gateway\r\n\r\n");
  }

  @Test
  void two_different_content_lengths_are_refused_with_400() throws Exception {
    assertSmugglingRefused("Content-Length: 2\r\nContent-Length: 7\r\n\r\n{}{}{}{");
  }

  private static void assertSmugglingRefused(String framing) throws Exception {
    String path = "/api/orders/smuggle-" + UUID.randomUUID();
    try (RawHttp http = RawHttp.connect("127.0.0.1")) {
      http.send(
          "POST "
              + path
              + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
              + services.token()
              + "\r\nContent-Type: application/json\r\n"
              + framing);
      String answer = http.read(1_500);
      assertThat(RawHttp.status(answer)).as(answer).isEqualTo(400);
      assertThat(answer).doesNotContain("HTTP/1.1 200");
    }
    assertThat(services.received(path)).isEmpty();
    assertThat(services.received("/api/orders/smuggled")).isEmpty();
  }
}
