package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.servers.Credentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated admin password is shown once on a terminal and kept only in secrets.properties. */
class AdminPasswordTest {

  @TempDir Path data;

  @Test
  void the_welcome_written_to_a_log_names_where_the_password_is_but_not_the_password() {
    Secrets secrets = Secrets.in(data);
    Credentials admin = new Credentials(secrets.adminEmail(), secrets.adminPassword());

    String toLog = Tessera.welcome("http://127.0.0.1:18080", "http://m", admin, data, false);
    String toTerminal = Tessera.welcome("http://127.0.0.1:18080", "http://m", admin, data, true);

    assertThat(toLog)
        .contains(admin.username())
        .contains(data.resolve("secrets.properties").toString())
        .doesNotContain(admin.password());
    assertThat(toTerminal.split(admin.password(), -1)).hasSize(2);
  }

  @Test
  void secrets_and_the_data_directory_are_readable_by_their_owner_only() throws IOException {
    Path file = data.resolve("secrets.properties");
    // A file an older launcher left readable by everyone is tightened on the next write.
    Files.writeString(file, "db.orders.password=x\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    Secrets.in(data).adminPassword();
    Tessera.ownerOnly(data);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
        .isEqualTo("rwx------");
    assertThat(Files.readString(file)).contains("admin.password=");
  }
}
