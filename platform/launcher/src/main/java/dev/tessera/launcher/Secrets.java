package dev.tessera.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;

/**
 * Credentials of a local run, generated on first start and kept (owner-readable only) in the data
 * directory, so databases and the admin account survive restarts. Nothing here is ever in the
 * repository or in a log: the admin password is shown once, on the terminal that ran {@code up}.
 */
final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Path file;
  private final Properties values = new Properties();

  private Secrets(Path file) {
    this.file = file;
  }

  static Secrets in(Path dataDirectory) {
    Secrets secrets = new Secrets(dataDirectory.resolve("secrets.properties"));
    secrets.load();
    return secrets;
  }

  String databasePassword(String service) {
    return get("db." + service + ".password");
  }

  String adminEmail() {
    return "admin@tessera.local";
  }

  String adminPassword() {
    return get("admin.password");
  }

  /**
   * Identity's RS256 signing key as PKCS#8 PEM, kept across restarts: every identity instance signs
   * with it, and tokens stay valid when identity restarts.
   */
  synchronized String identitySigningKey() {
    String der = values.getProperty("identity.signing-key");
    if (der == null) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        der =
            Base64.getEncoder()
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no RSA on this JVM", e);
      }
      values.setProperty("identity.signing-key", der);
      save();
    }
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(Base64.getDecoder().decode(der))
        + "\n-----END PRIVATE KEY-----\n";
  }

  private synchronized String get(String key) {
    String value = values.getProperty(key);
    if (value == null) {
      byte[] bytes = new byte[18];
      RANDOM.nextBytes(bytes);
      value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      values.setProperty(key, value);
      save();
    }
    return value;
  }

  private void load() {
    if (Files.exists(file)) {
      try (Reader reader = Files.newBufferedReader(file)) {
        values.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void save() {
    try {
      TesseraSystem.ensureDirectory(file.getParent());
      if (!Files.exists(file)) {
        // Created owner-only: there is no moment at which another user could open it.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      }
      // A file left by an older launcher, or copied around, is made owner-only again.
      Files.setPosixFilePermissions(file, OWNER_ONLY);
      try (Writer writer = Files.newBufferedWriter(file)) {
        values.store(writer, "Tessera local run: generated credentials (./tessera reset wipes)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
