package dev.tessera.billing.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * A key pair made for this test run: the application verifies tokens with its public half (the real
 * verification path), the tests sign with its private half through smallrye-jwt-build.
 */
public class JwtKeys implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Path dir = Files.createTempDirectory("billing-jwt");
      Path publicKey = dir.resolve("public.pem");
      Path privateKey = dir.resolve("private.pem");
      Files.writeString(
          publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.UTF_8);
      Files.writeString(
          privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.UTF_8);
      return Map.of(
          "mp.jwt.verify.publickey.location", publicKey.toUri().toString(),
          "smallrye.jwt.sign.key.location", privateKey.toUri().toString());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Override
  public void stop() {}
}
