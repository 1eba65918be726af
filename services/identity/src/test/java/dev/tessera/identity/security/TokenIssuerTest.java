package dev.tessera.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.identity.domain.AccessTokenClaims;
import dev.tessera.identity.domain.Role;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {

  @Test
  void a_token_carries_the_agreed_claims_and_header_and_verifies_with_the_jwks() throws Exception {
    SigningKeys keys = new SigningKeys(null, List.of());
    UUID user = UUID.randomUUID();
    UUID family = UUID.randomUUID();
    AccessTokenClaims claims =
        AccessTokenClaims.issue(
            "tessera-identity",
            "tessera",
            user,
            List.of(Role.USER, Role.ADMIN),
            family,
            Instant.now(),
            null,
            Duration.ofMinutes(15));

    String token = new TokenIssuer(keys).sign(claims);

    JsonWebSignature jws = new JsonWebSignature();
    jws.setCompactSerialization(token);
    assertThat(jws.getAlgorithmHeaderValue()).isEqualTo("RS256");
    assertThat(jws.getKeyIdHeaderValue()).isEqualTo(keys.current().getKeyId());
    JwtClaims verified = verify(token, keys.jwksJson());
    assertThat(verified.getIssuer()).isEqualTo("tessera-identity");
    assertThat(verified.getAudience()).containsExactly("tessera");
    assertThat(verified.getSubject()).isEqualTo(user.toString());
    assertThat(verified.getJwtId()).isEqualTo(claims.tokenId().toString());
    assertThat(verified.getStringListClaimValue("roles")).containsExactly("user", "admin");
    assertThat(verified.getClaimValueAsString("sid")).isEqualTo(family.toString());
    assertThat(verified.getExpirationTime().getValue() - verified.getIssuedAt().getValue())
        .isEqualTo(900);
  }

  @Test
  void the_jwks_publishes_public_parts_only() {
    String jwks = new SigningKeys(null, List.of()).jwksJson();
    assertThat(jwks)
        .contains("\"kty\":\"RSA\"", "\"alg\":\"RS256\"", "\"use\":\"sig\"", "\"n\"", "\"e\"");
    assertThat(jwks).doesNotContain("\"d\"", "\"p\"", "\"q\"", "\"dp\"");
  }

  @Test
  void a_configured_key_gives_a_stable_kid_and_a_rotated_out_key_still_verifies_its_tokens()
      throws Exception {
    KeyPair old = rsa();
    KeyPair next = rsa();
    SigningKeys before =
        new SigningKeys(pem("PRIVATE KEY", old.getPrivate().getEncoded()), List.of());
    assertThat(
            new SigningKeys(pem("PRIVATE KEY", old.getPrivate().getEncoded()), List.of())
                .current()
                .getKeyId())
        .isEqualTo(before.current().getKeyId());
    String oldToken = new TokenIssuer(before).sign(sample());

    // Rotation: the new key signs, the old public key stays published until its tokens expire.
    SigningKeys after =
        new SigningKeys(
            // As an env variable may carry it: escaped newlines.
            pem("PRIVATE KEY", next.getPrivate().getEncoded()).replace("\n", "\\n"),
            List.of(pem("PUBLIC KEY", old.getPublic().getEncoded())));
    assertThat(after.published()).hasSize(2);
    assertThat(after.current().getKeyId()).isNotEqualTo(before.current().getKeyId());
    assertThat(verify(oldToken, after.jwksJson()).getSubject()).isNotNull();
    assertThat(verify(new TokenIssuer(after).sign(sample()), after.jwksJson()).getSubject())
        .isNotNull();
    // Once the old key is dropped, its tokens no longer verify.
    SigningKeys dropped =
        new SigningKeys(pem("PRIVATE KEY", next.getPrivate().getEncoded()), List.of());
    assertThatThrownBy(() -> verify(oldToken, dropped.jwksJson())).isInstanceOf(Exception.class);
  }

  @Test
  void a_pkcs1_or_short_key_is_refused_without_echoing_it() throws Exception {
    assertThatThrownBy(
            () ->
                new SigningKeys(
                    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
                    List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS#8");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    String weak = pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded());
    assertThatThrownBy(() -> new SigningKeys(weak, List.of()))
        .hasMessageContaining("2048")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(weak.substring(40, 80)));
  }

  private static JwtClaims verify(String token, String jwks) throws Exception {
    JsonWebKeySet set = new JsonWebKeySet(jwks);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setCompactSerialization(token);
    var key = new VerificationJwkSelector().select(jws, set.getJsonWebKeys());
    if (key == null) {
      throw new InvalidJwtException("no key for kid " + jws.getKeyIdHeaderValue(), List.of(), null);
    }
    return new JwtConsumerBuilder()
        .setVerificationKey(key.getKey())
        .setExpectedIssuer("tessera-identity")
        .setExpectedAudience("tessera")
        .build()
        .processToClaims(token);
  }

  private static AccessTokenClaims sample() {
    return AccessTokenClaims.issue(
        "tessera-identity",
        "tessera",
        UUID.randomUUID(),
        List.of(Role.USER),
        UUID.randomUUID(),
        Instant.now(),
        null,
        Duration.ofMinutes(15));
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
