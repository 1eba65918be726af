package dev.tessera.identity.it;

import static dev.tessera.identity.it.IdentityApi.PASSWORD;
import static dev.tessera.identity.it.IdentityApi.access;
import static dev.tessera.identity.it.IdentityApi.changePassword;
import static dev.tessera.identity.it.IdentityApi.logIn;
import static dev.tessera.identity.it.IdentityApi.logOut;
import static dev.tessera.identity.it.IdentityApi.me;
import static dev.tessera.identity.it.IdentityApi.newUser;
import static dev.tessera.identity.it.IdentityApi.randomEmail;
import static dev.tessera.identity.it.IdentityApi.refresh;
import static dev.tessera.identity.it.IdentityApi.refreshOf;
import static dev.tessera.identity.it.IdentityApi.tokens;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.tessera.identity.domain.AccessTokenClaims;
import dev.tessera.identity.domain.Role;
import dev.tessera.identity.security.SigningKeys;
import dev.tessera.identity.security.TokenIssuer;
import dev.tessera.testing.OutboxCapture;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "identity"))
class TokensAndProfileTest {

  @Inject RedisDataSource redis;
  @Inject SigningKeys keys;

  @BeforeAll
  static void captureOutbox() {
    OutboxCapture.start("identity");
  }

  @Test
  void a_user_signs_up_logs_in_and_reads_its_profile_with_the_access_token() {
    String email = randomEmail();
    String id = newUser(email.toUpperCase());

    Map<String, Object> tokens = tokens(email, PASSWORD);
    assertThat(tokens).containsEntry("tokenType", "Bearer").containsEntry("expiresIn", 900);
    assertThat(refreshOf(tokens)).matches("[A-Za-z0-9_-]{43}");

    me(access(tokens))
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("email", equalTo(email)) // stored normalised: lower case
        .body("displayName", equalTo("Ada Lovelace"));
  }

  @Test
  void the_profile_display_name_can_be_changed_within_its_bounds() {
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));

    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(Map.of("displayName", "  Grace Hopper "))
        .patch("/api/identity/users/me")
        .then()
        .statusCode(200)
        .body("displayName", equalTo("Grace Hopper"));
    // Tried: a blank name and one of 101 characters.
    for (String bad : List.of("   ", "x".repeat(101))) {
      given()
          .auth()
          .oauth2(token)
          .contentType(ContentType.JSON)
          .body(Map.of("displayName", bad))
          .patch("/api/identity/users/me")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo("displayName"));
    }
    me(token).then().body("displayName", equalTo("Grace Hopper"));
  }

  @Test
  void an_access_token_is_rs256_with_the_agreed_claims_and_verifies_with_the_published_jwks()
      throws Exception {
    String email = randomEmail();
    String id = newUser(email);
    String token = access(tokens(email, PASSWORD));
    String jwks =
        given()
            .get("/api/identity/.well-known/jwks.json")
            .then()
            .statusCode(200)
            .extract()
            .asString();

    JsonWebKeySet keySet = new JsonWebKeySet(jwks);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setCompactSerialization(token);
    assertThat(jws.getAlgorithmHeaderValue()).isEqualTo(AlgorithmIdentifiers.RSA_USING_SHA256);
    assertThat(keySet.getJsonWebKeys())
        .anySatisfy(
            key -> {
              assertThat(key.getKeyId()).isEqualTo(jws.getKeyIdHeaderValue());
              assertThat(key.getKeyType()).isEqualTo("RSA");
              assertThat(key.getAlgorithm()).isEqualTo("RS256");
              assertThat(key.getUse()).isEqualTo("sig");
              assertThat(key.toParams(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY))
                  .containsKeys("n", "e")
                  .doesNotContainKeys("d", "p", "q");
            });

    JwtClaims claims =
        new JwtConsumerBuilder()
            .setVerificationKey(
                new VerificationJwkSelector().select(jws, keySet.getJsonWebKeys()).getKey())
            .setExpectedIssuer("tessera-identity")
            .setExpectedAudience("tessera")
            .setRequireJwtId()
            .setRequireIssuedAt()
            .setRequireExpirationTime()
            .build()
            .processToClaims(token);
    assertThat(claims.getSubject()).isEqualTo(id);
    assertThat(claims.getStringListClaimValue("roles")).containsExactly("user");
    assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue())
        .isEqualTo(900);
  }

  @Test
  void a_missing_garbage_or_foreign_token_is_a_401_problem() {
    given()
        .get("/api/identity/users/me")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    // Tried: garbage, and a token whose signature was tampered with.
    me("not-a-jwt").then().statusCode(401).contentType("application/problem+json");
    String email = randomEmail();
    newUser(email);
    String token = access(tokens(email, PASSWORD));
    String tampered = token.substring(0, token.length() - 4) + "AAAA";
    me(tampered).then().statusCode(401).body("status", equalTo(401));
  }

  @Test
  void an_expired_token_and_one_signed_by_a_foreign_key_are_401() {
    String email = randomEmail();
    String id = newUser(email);
    AccessTokenClaims expired =
        AccessTokenClaims.issue(
            "tessera-identity",
            "tessera",
            UUID.fromString(id),
            List.of(Role.USER),
            UUID.randomUUID(),
            Instant.now().minus(Duration.ofHours(1)),
            null,
            Duration.ofMinutes(15));
    // Tried: an expired token signed with identity's own key...
    me(new TokenIssuer(keys).sign(expired)).then().statusCode(401);
    // ...and a fresh token with the right claims signed by another key.
    AccessTokenClaims fresh =
        AccessTokenClaims.issue(
            "tessera-identity",
            "tessera",
            UUID.fromString(id),
            List.of(Role.USER, Role.ADMIN),
            UUID.randomUUID(),
            Instant.now(),
            null,
            Duration.ofMinutes(15));
    me(new TokenIssuer(new SigningKeys(null, List.of())).sign(fresh)).then().statusCode(401);
    // The same claims signed with identity's key are accepted: the key made the difference.
    me(new TokenIssuer(keys).sign(fresh)).then().statusCode(200);
  }

  @Test
  void a_wrong_password_and_an_unknown_email_give_identical_401_bodies() {
    String email = randomEmail();
    newUser(email);

    String wrongPassword =
        logIn(email, "Not-The-Password-1")
            .then()
            .statusCode(401)
            .contentType("application/problem+json")
            .header("WWW-Authenticate", startsWith("Bearer"))
            .extract()
            .asString();
    String unknownEmail =
        logIn(randomEmail(), PASSWORD)
            .then()
            .statusCode(401)
            .contentType("application/problem+json")
            .extract()
            .asString();

    assertThat(unknownEmail).isEqualTo(wrongPassword);
    assertThat(wrongPassword).contains("invalid-credentials").doesNotContain(email);
  }

  @Test
  void ten_failed_log_ins_throttle_an_email_whether_or_not_it_exists_and_whatever_comes_next() {
    String known = randomEmail();
    newUser(known);
    String unknown = randomEmail();
    for (String email : List.of(known, unknown)) {
      for (int i = 0; i < 10; i++) {
        logIn(email, "Wrong-Guess-" + i + "-x").then().statusCode(401);
      }
      // Even the right password is refused now, and the answer is the same for both addresses.
      logIn(email, PASSWORD)
          .then()
          .statusCode(429)
          .contentType("application/problem+json")
          .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"))
          .body("type", equalTo("https://tessera.dev/problems/too-many-login-attempts"));
    }
    // Other addresses are not affected.
    String other = randomEmail();
    newUser(other);
    logIn(other, PASSWORD).then().statusCode(200);
  }

  @Test
  void a_refresh_token_rotates_and_a_reused_one_revokes_its_whole_family() {
    String email = randomEmail();
    newUser(email);
    Map<String, Object> first = tokens(email, PASSWORD);

    Map<String, Object> second =
        refresh(refreshOf(first))
            .then()
            .statusCode(200)
            .header("Cache-Control", "no-store")
            .body("tokenType", equalTo("Bearer"))
            .extract()
            .jsonPath()
            .getMap("");
    assertThat(refreshOf(second)).isNotEqualTo(refreshOf(first));
    me(access(second)).then().statusCode(200);

    // The first refresh token was rotated: presenting it again is a replay.
    refresh(refreshOf(first))
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("type", equalTo("https://tessera.dev/problems/invalid-refresh-token"));
    // ...which killed the family, including the latest, never-used refresh token.
    refresh(refreshOf(second)).then().statusCode(401);
    // Another login is a new family and is unaffected.
    refresh(refreshOf(tokens(email, PASSWORD))).then().statusCode(200);
    // Tried: an unknown token, an empty one, and no body.
    refresh("bm90LWEtcmVmcmVzaC10b2tlbg").then().statusCode(401);
    refresh("").then().statusCode(400).body("errors[0].field", equalTo("refreshToken"));
    given()
        .contentType(ContentType.JSON)
        .post("/api/identity/tokens/refresh")
        .then()
        .statusCode(400);
  }

  @Test
  void log_out_revokes_this_access_token_in_redis_and_its_refresh_family() {
    String email = randomEmail();
    newUser(email);
    Map<String, Object> session = tokens(email, PASSWORD);
    Map<String, Object> otherSession = tokens(email, PASSWORD);
    String jti = claims(access(session)).get("jti").toString();

    logOut(access(session)).then().statusCode(204);

    me(access(session)).then().statusCode(401).contentType("application/problem+json");
    String key = "revoked:jti:" + jti;
    assertThat(redis.key().exists(key)).isTrue();
    // The token's remaining life plus the 30 s of clock skew verifiers accept.
    assertThat(redis.key().ttl(key)).isBetween(30L, 15 * 60L + 30 + 1);
    refresh(refreshOf(session)).then().statusCode(401);
    // Only this session ended: the other device stays logged in.
    me(access(otherSession)).then().statusCode(200);
    refresh(refreshOf(otherSession)).then().statusCode(200);
  }

  @Test
  void a_password_change_kills_every_earlier_token_and_the_new_password_logs_in() {
    String email = randomEmail();
    String id = newUser(email);
    Map<String, Object> before = tokens(email, PASSWORD);
    String newPassword = "Brand-New-Secret-7";

    // Tried: a wrong current password, then a weak new one.
    changePassword(access(before), "Wrong-Current-Pass-1", newPassword)
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.hasItem("currentPassword"));
    changePassword(access(before), PASSWORD, "password1234")
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.hasItem("newPassword"));

    changePassword(access(before), PASSWORD, newPassword).then().statusCode(204);

    me(access(before)).then().statusCode(401);
    refresh(refreshOf(before)).then().statusCode(401);
    String cutoff = redis.value(String.class).get("revoked:user:" + id);
    assertThat(Long.parseLong(cutoff)).isGreaterThan((Long) claims(access(before)).get("iat"));
    logIn(email, PASSWORD).then().statusCode(401);
    // Issued right after the change, in the same second: still alive.
    Map<String, Object> after = tokens(email, newPassword);
    me(access(after)).then().statusCode(200);
  }

  /** The payload of a token, read without verification (tests that need it verify elsewhere). */
  static Map<String, Object> claims(String token) {
    try {
      return new JwtConsumerBuilder()
          .setSkipSignatureVerification()
          .setSkipAllValidators()
          .build()
          .processToClaims(token)
          .getClaimsMap();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
