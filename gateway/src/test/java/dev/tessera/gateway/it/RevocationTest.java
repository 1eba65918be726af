package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.gateway.security.Revocations;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Revocation as identity records and announces it (see {@link Revocations}): sessions, the channel
 * that reaches tokens this gateway has cached, the log-out it forwards itself, and failing closed
 * when Redis may have lost revocations. The "not revoked" cache lives 30 s in these tests, so a
 * cached token refused sooner was reached by the channel or the log-out.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RevocationTest {

  @Inject RedisDataSource redis;
  @Inject Revocations revocations;

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
    await().atMost(Duration.ofSeconds(20)).until(revocations::subscribed);
  }

  private static int get(String token) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/orders/revocation-" + UUID.randomUUID())
        .statusCode();
  }

  private static String token(String subject, String sid, long expiresAt) {
    return services.token(
        c -> {
          c.setSubject(subject);
          c.setClaim("sid", sid);
          c.setIssuedAt(NumericDate.fromSeconds(expiresAt - 900));
          c.setExpirationTime(NumericDate.fromSeconds(expiresAt));
        });
  }

  @Test
  void a_revoked_session_refuses_every_token_of_it_and_no_other() {
    String user = UUID.randomUUID().toString();
    String sid = UUID.randomUUID().toString();
    long exp = Instant.now().plusSeconds(600).getEpochSecond();
    String first = token(user, sid, exp);
    String refreshed = token(user, sid, exp);
    String otherSession = token(user, UUID.randomUUID().toString(), exp);
    redis.value(String.class).setex(Revocations.SID_PREFIX + sid, 700, "1");
    assertThat(get(first)).isEqualTo(401);
    assertThat(get(refreshed)).isEqualTo(401);
    assertThat(get(otherSession)).isEqualTo(200);
  }

  @Test
  void a_token_of_a_revoked_session_is_refused_inside_the_clock_skew_after_its_exp() {
    // Expired 10 s ago: still inside the 30 s skew, so only the revocation can refuse it.
    long exp = Instant.now().minusSeconds(10).getEpochSecond();
    String user = UUID.randomUUID().toString();
    String live = token(user, UUID.randomUUID().toString(), exp);
    assertThat(get(live)).isEqualTo(200);
    String sid = UUID.randomUUID().toString();
    String loggedOut = token(user, sid, exp);
    redis.value(String.class).setex(Revocations.SID_PREFIX + sid, 40, "1");
    assertThat(get(loggedOut)).isEqualTo(401);
  }

  @Test
  void an_announced_revocation_reaches_a_token_this_gateway_has_cached() {
    JwtClaims claims = FakeServices.claims();
    String token = FakeServices.sign(claims, services.signingKey());
    assertThat(get(token)).isEqualTo(200);
    String jti = claim(claims, "jti");
    redis.value(String.class).setex(Revocations.JTI_PREFIX + jti, 600, "1");
    long published = System.nanoTime();
    redis.pubsub(String.class).publish(Revocations.CHANNEL, "jti:" + jti);
    await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> get(token) == 401);
    long millis = (System.nanoTime() - published) / 1_000_000;
    System.out.printf("revocation announced → refused after %d ms%n", millis);

    // A whole session and a user's cut-off, announced the same way.
    String user = UUID.randomUUID().toString();
    String sid = UUID.randomUUID().toString();
    long exp = Instant.now().plusSeconds(600).getEpochSecond();
    String ofSession = token(user, sid, exp);
    String ofUser = token(UUID.randomUUID().toString(), UUID.randomUUID().toString(), exp);
    String userId = subject(ofUser);
    assertThat(get(ofSession)).isEqualTo(200);
    assertThat(get(ofUser)).isEqualTo(200);
    redis.pubsub(String.class).publish(Revocations.CHANNEL, "sid:" + sid);
    redis
        .pubsub(String.class)
        .publish(
            Revocations.CHANNEL, "user:" + userId + ":" + (Instant.now().getEpochSecond() + 1));
    await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> get(ofSession) == 401 && get(ofUser) == 401);
  }

  @Test
  void the_gateway_that_forwarded_a_log_out_refuses_the_session_at_once() {
    String user = UUID.randomUUID().toString();
    String sid = UUID.randomUUID().toString();
    long exp = Instant.now().plusSeconds(600).getEpochSecond();
    String token = token(user, sid, exp);
    String sameSession = token(user, sid, exp);
    assertThat(get(token)).isEqualTo(200);
    assertThat(get(sameSession)).isEqualTo(200);
    // The fake identity answers 204 and writes nothing to Redis: only the gateway's own drop acts.
    given()
        .header("Authorization", "Bearer " + token)
        .delete("/api/identity/tokens/current")
        .then()
        .statusCode(204);
    assertThat(get(token)).isEqualTo(401);
    assertThat(get(sameSession)).isEqualTo(401);
  }

  @Test
  void without_the_seeded_marker_tokens_are_refused_with_503_until_it_is_back() {
    redis.key().del(Revocations.SEEDED_KEY);
    try {
      given()
          .header("Authorization", "Bearer " + services.token())
          .get("/api/orders/unseeded-" + UUID.randomUUID())
          .then()
          .statusCode(503)
          .header("Retry-After", "1")
          .body("type", equalTo("https://tessera.dev/problems/revocation-unavailable"));
    } finally {
      FakeServices.markSeeded();
    }
    assertThat(get(services.token())).isEqualTo(200);
  }

  @Test
  void while_the_revocation_channel_is_down_no_answer_is_taken_from_the_cache() {
    JwtClaims claims = FakeServices.claims();
    String token = FakeServices.sign(claims, services.signingKey());
    assertThat(get(token)).isEqualTo(200);
    redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
    await().atMost(Duration.ofSeconds(5)).until(() -> !revocations.subscribed());
    // Revoked without an announcement: only a fresh lookup can see it.
    redis.value(String.class).setex(Revocations.JTI_PREFIX + claim(claims, "jti"), 600, "1");
    assertThat(get(token)).isEqualTo(401);
    await().atMost(Duration.ofSeconds(20)).until(revocations::subscribed);
  }

  private static String claim(JwtClaims claims, String name) {
    return claims.getClaimValueAsString(name);
  }

  private static String subject(String token) {
    String payload = token.split("\\.")[1];
    return new io.vertx.core.json.JsonObject(
            new String(java.util.Base64.getUrlDecoder().decode(payload)))
        .getString("sub");
  }
}
