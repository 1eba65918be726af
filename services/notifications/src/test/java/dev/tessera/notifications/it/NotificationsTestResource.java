package dev.tessera.notifications.it;

import dev.tessera.testing.TesseraTestResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The shared real servers (through {@link TesseraTestResource}) plus what the notifications tests
 * need on top: an {@link SmtpRelay} between the application and the SMTP server, and a test key
 * pair whose public key is the application's JWT verification key.
 */
public class NotificationsTestResource extends TesseraTestResource {

  /** System property holding the test private key (PKCS#8, Base64): JVM-wide, any class loader. */
  static final String PRIVATE_KEY_PROPERTY = "tessera.test.jwt.private-key";

  private SmtpRelay relay;

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new java.util.LinkedHashMap<>(super.start());
    relay =
        new SmtpRelay(
            config.get("quarkus.mailer.host"), Integer.parseInt(config.get("quarkus.mailer.port")));
    relay.start();
    config.put("quarkus.mailer.port", Integer.toString(relay.port()));
    config.put("mp.jwt.verify.publickey.location", publicKeyFile().toString());
    return config;
  }

  @Override
  public void inject(TestInjector testInjector) {
    super.inject(testInjector);
    testInjector.injectIntoFields(relay, new TestInjector.MatchesType(SmtpRelay.class));
  }

  @Override
  public void stop() {
    if (relay != null) {
      relay.stop();
    }
    super.stop();
  }

  private static Path publicKeyFile() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair keys = generator.generateKeyPair();
      System.setProperty(
          PRIVATE_KEY_PROPERTY, Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()));
      String pem =
          "-----BEGIN PUBLIC KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes())
                  .encodeToString(keys.getPublic().getEncoded())
              + "\n-----END PUBLIC KEY-----\n";
      Path file = Files.createTempFile("notifications-jwt", ".pem");
      Files.writeString(file, pem);
      return file.toAbsolutePath();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
