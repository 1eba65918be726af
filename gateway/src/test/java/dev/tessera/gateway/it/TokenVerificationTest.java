package dev.tessera.gateway.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad token is refused with a 401 problem and {@code WWW-Authenticate: Bearer
 * error="invalid_token"}, and the upstream never sees the request.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class TokenVerificationTest {

  @Inject RedisDataSource redis;

  static FakeServices services;

  @BeforeEach
  void startServices() {
    services = FakeServices.get();
    FakeServices.awaitReady();
  }

  private static String path() {
    return "/api/orders/token-test-" + UUID.randomUUID();
  }

  private static void assertRefused(String authorization) {
    String path = path();
    var request = given();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    request
        .get(path)
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("status", equalTo(401))
        .body("type", containsString("https://tessera.dev/problems/"));
    assertThat(services.received(path)).as("the upstream must never see %s", path).isEmpty();
  }

  private static void assertInvalidToken(String token) {
    String path = path();
    given()
        .header("Authorization", "Bearer " + token)
        .get(path)
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
        .body("type", equalTo("https://tessera.dev/problems/invalid-token"));
    assertThat(services.received(path)).as("the upstream must never see %s", path).isEmpty();
  }

  @Test
  void a_valid_token_passes_and_reaches_the_upstream_with_its_authorization() {
    String token = services.token();
    String path = path();
    given().header("Authorization", "Bearer " + token).get(path).then().statusCode(200);
    assertThat(services.received(path))
        .singleElement()
        .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + token));
  }

  /** Waits until {@code token} passes (a new key is picked up at the next JWKS fetch). */
  private static void awaitAccepted(String token) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                given().header("Authorization", "Bearer " + token).get(path()).statusCode() == 200);
  }

  @Test
  void alg_none_is_refused() throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(FakeServices.claims().toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
    jws.setKeyIdHeaderValue(services.signingKey().getKeyId());
    jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
    assertInvalidToken(jws.getCompactSerialization());
  }

  @Test
  void hs256_signed_with_the_public_key_as_secret_is_refused() throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(FakeServices.claims().toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    jws.setKeyIdHeaderValue(services.signingKey().getKeyId());
    jws.setKey(new HmacKey(services.publicKey().getEncoded()));
    assertInvalidToken(jws.getCompactSerialization());
  }

  @Test
  void an_expired_token_is_refused() {
    assertInvalidToken(
        services.token(
            c -> {
              c.setIssuedAt(
                  NumericDate.fromSeconds(Instant.now().minusSeconds(7200).getEpochSecond()));
              c.setExpirationTime(
                  NumericDate.fromSeconds(Instant.now().minusSeconds(3600).getEpochSecond()));
            }));
  }

  @Test
  void a_token_not_yet_valid_is_refused() {
    assertInvalidToken(
        services.token(
            c ->
                c.setNotBefore(
                    NumericDate.fromSeconds(Instant.now().plusSeconds(3600).getEpochSecond()))));
  }

  @Test
  void a_token_from_another_issuer_is_refused() {
    assertInvalidToken(services.token(c -> c.setIssuer("https://evil.example")));
  }

  @Test
  void a_token_for_another_audience_is_refused() {
    assertInvalidToken(services.token(c -> c.setAudience("billing-admin")));
  }

  @Test
  void a_token_without_jti_or_sub_is_refused() {
    assertInvalidToken(services.token(c -> c.unsetClaim("jti")));
    assertInvalidToken(services.token(c -> c.unsetClaim("sub")));
  }

  @Test
  void a_tampered_payload_is_refused() {
    String[] parts = services.token().split("\\.");
    JwtClaims forged = FakeServices.claims();
    forged.setStringListClaim("roles", "admin");
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(forged.toJson().getBytes(StandardCharsets.UTF_8));
    assertInvalidToken(parts[0] + "." + payload + "." + parts[2]);
  }

  @Test
  void an_unknown_kid_refreshes_the_jwks_and_is_still_refused() {
    RsaJsonWebKey stranger = FakeServices.newKey();
    RsaJsonWebKey another = FakeServices.newKey();
    int before = services.jwksHits();
    // Each try is refused; the JWKS is fetched again once the refresh floor allows it.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertInvalidToken(FakeServices.sign(FakeServices.claims(), stranger));
              assertThat(services.jwksHits()).isGreaterThan(before);
            });
    // Right after a refresh, a flood of unknown kids does not fetch again (the floor is 3 s here).
    int afterRefresh = services.jwksHits();
    for (int i = 0; i < 5; i++) {
      assertInvalidToken(FakeServices.sign(FakeServices.claims(), i % 2 == 0 ? stranger : another));
    }
    assertThat(services.jwksHits()).isEqualTo(afterRefresh);
  }

  @Test
  void a_key_rotated_into_the_jwks_is_picked_up_on_its_first_unknown_kid() {
    RsaJsonWebKey rotated = services.rotateIn();
    String token = FakeServices.sign(FakeServices.claims(), rotated);
    awaitAccepted(token);
  }

  @Test
  void a_token_that_passed_before_is_refused_once_it_expires() {
    // Inside the 30 s clock skew for about two more seconds: it passes, and is remembered as valid.
    long now = Instant.now().getEpochSecond();
    String token =
        services.token(
            c -> {
              c.setIssuedAt(NumericDate.fromSeconds(now - 900));
              c.setExpirationTime(NumericDate.fromSeconds(now - 28));
            });
    given().header("Authorization", "Bearer " + token).get(path()).then().statusCode(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertInvalidToken(token));
  }

  @Test
  void a_token_that_passed_before_is_refused_once_its_key_leaves_the_jwks() {
    RsaJsonWebKey retiring = services.rotateIn();
    String token = FakeServices.sign(FakeServices.claims(), retiring);
    awaitAccepted(token);
    services.rotateOut(retiring);
    // The gateway learns of the removal at its next JWKS fetch: an unknown kid causes one.
    RsaJsonWebKey stranger = FakeServices.newKey();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertInvalidToken(FakeServices.sign(FakeServices.claims(), stranger));
              assertInvalidToken(token);
            });
  }

  @Test
  void a_revoked_jti_is_refused() {
    JwtClaims claims = FakeServices.claims();
    String token = FakeServices.sign(claims, services.signingKey());
    redis.value(String.class).setex("revoked:jti:" + jti(claims), 600, "1");
    assertInvalidToken(token);
  }

  @Test
  void tokens_issued_before_the_users_cut_off_are_refused_and_later_ones_pass() {
    String sub = UUID.randomUUID().toString();
    long now = Instant.now().getEpochSecond();
    redis.value(String.class).setex("revoked:user:" + sub, 600, Long.toString(now - 100));
    assertInvalidToken(
        services.token(
            c -> {
              c.setSubject(sub);
              c.setIssuedAt(NumericDate.fromSeconds(now - 200));
            }));
    String fresh = services.token(c -> c.setSubject(sub));
    given().header("Authorization", "Bearer " + fresh).get(path()).then().statusCode(200);
  }

  @Test
  void garbage_in_the_authorization_header_is_refused() {
    // Tried: not a JWT, two segments, empty bearer, another scheme, a huge value, a JWE-shaped one.
    assertRefused("Bearer abc");
    assertRefused("Bearer abc.def");
    assertRefused("Bearer a.b.c");
    assertRefused("Bearer ");
    assertRefused("Basic dXNlcjpwYXNz");
    assertRefused("Bearer " + "x".repeat(9000));
    assertRefused("Bearer eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d");
  }

  @Test
  void a_protected_route_without_a_token_is_refused() {
    assertRefused(null);
  }

  private static String jti(JwtClaims claims) {
    try {
      return claims.getJwtId();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
