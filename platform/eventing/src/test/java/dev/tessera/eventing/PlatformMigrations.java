package dev.tessera.eventing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The platform migrations (db/tessera), for tests that set a database up without Flyway. */
public final class PlatformMigrations {

  private static final List<String> SCRIPTS =
      List.of("V0_1__tessera_outbox_and_inbox.sql", "V0_2__outbox_heartbeat.sql");

  private PlatformMigrations() {}

  /** Runs every platform migration, in order, on {@code connection}. */
  public static void apply(Connection connection) throws SQLException {
    for (String script : SCRIPTS) {
      try (InputStream sql = PlatformMigrations.class.getResourceAsStream("/db/tessera/" + script);
          Statement statement = connection.createStatement()) {
        statement.execute(new String(sql.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
