package dev.tessera.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs access tokens as identity does (RS256, issuer {@code tessera-identity}, audience {@code
 * tessera}) with a key pair generated for this test run, whose public key the service is configured
 * to verify with: the service's real verification path, with a key of the test's own.
 */
public class TestTokens implements QuarkusTestResourceLifecycleManager {

  // A system property, not a static field: Quarkus loads tests and test resources in different
  // class loaders, and the property is what both see.
  private static final String PRIVATE_KEY = "tessera-test.jwt-private-key";

  @Override
  public Map<String, String> start() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Path publicKey = Files.createTempFile("tessera-test-jwt", ".pem");
      Files.writeString(
          publicKey,
          "-----BEGIN PUBLIC KEY-----\n"
              + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
              + "\n-----END PUBLIC KEY-----\n",
          StandardCharsets.US_ASCII);
      System.setProperty(
          PRIVATE_KEY, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
      return Map.of("mp.jwt.verify.publickey.location", publicKey.toUri().toString());
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException("cannot make the test key pair", e);
    }
  }

  @Override
  public void stop() {}

  /** A valid access token of {@code userId}. */
  public static String forUser(UUID userId) {
    return sign(userId.toString(), "tessera-identity", "tessera", Duration.ofMinutes(5));
  }

  /** A token signed with the right key but with the given claims, to show what is refused. */
  public static String sign(String subject, String issuer, String audience, Duration lifetime) {
    return Jwt.issuer(issuer)
        .audience(audience)
        .subject(subject)
        .claim("roles", List.of("user"))
        .expiresIn(lifetime)
        .sign(privateKey());
  }

  private static PrivateKey privateKey() {
    String encoded = System.getProperty(PRIVATE_KEY);
    if (encoded == null) {
      throw new IllegalStateException("TestTokens has not started");
    }
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(encoded)));
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException(e);
    }
  }
}
