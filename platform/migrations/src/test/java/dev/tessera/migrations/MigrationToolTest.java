package dev.tessera.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.servers.Database;
import dev.tessera.servers.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration tool on a real PostgreSQL: timeouts, the schema wait, one run per release. */
class MigrationToolTest {

  @TempDir static Path dir;
  static LocalPostgres postgres;

  @BeforeAll
  static void start() {
    postgres = new LocalPostgres(dir.resolve("postgres"), false);
    postgres.start();
  }

  @AfterAll
  static void stop() {
    postgres.close();
  }

  private static MigrationTool.Settings settings(Database db, String lockTimeout) {
    return new MigrationTool.Settings(
        db.jdbcUrl(),
        db.owner().username(),
        db.owner().password(),
        lockTimeout,
        "1min",
        Duration.ofSeconds(2));
  }

  @Test
  void a_migration_that_waits_for_a_lock_fails_after_the_lock_timeout_instead_of_queueing()
      throws Exception {
    Database db = postgres.createDatabase("locked", "locked", "locked-local");
    MigrationTool.Settings settings = settings(db, "1s");
    Flyway flyway = MigrationTool.flyway(settings, getClass().getClassLoader(), false);
    Flyway.configure(getClass().getClassLoader())
        .configuration(flyway.getConfiguration())
        .target("1")
        .load()
        .migrate();
    try (Connection running = postgres.connect(db.name(), db.owner());
        Statement s = running.createStatement()) {
      // A pod of the running release in the middle of a transaction that read the table.
      running.setAutoCommit(false);
      s.executeQuery("select count(*) from member").close();

      assertThatThrownBy(() -> MigrationTool.migrate(settings, quiet()))
          .hasStackTraceContaining("lock timeout");

      running.rollback();
    }
    assertThat(MigrationTool.migrate(settings, quiet()).migrationsExecuted).isEqualTo(1);
    assertThat(MigrationTool.pending(settings)).isEmpty();
  }

  @Test
  void the_apps_wait_for_the_schema_of_their_release_and_a_second_run_changes_nothing() {
    Database db = postgres.createDatabase("awaited", "awaited", "awaited-local");
    MigrationTool.Settings settings = settings(db, "5s");
    assertThat(MigrationTool.pending(settings)).hasSize(2);
    assertThat(MigrationTool.awaitSchema(settings, quiet()))
        .as("nothing migrated it: the wait gives up")
        .isFalse();

    assertThat(MigrationTool.migrate(settings, quiet()).migrationsExecuted).isEqualTo(2);
    assertThat(MigrationTool.awaitSchema(settings, quiet())).isTrue();
    assertThat(MigrationTool.migrate(settings, quiet()).migrationsExecuted).isZero();
  }

  @Test
  void settings_refuse_a_timeout_that_is_not_a_postgres_duration() {
    assertThatThrownBy(
            () ->
                new MigrationTool.Settings(
                    "jdbc:postgresql://x/y",
                    "u",
                    "p",
                    "5s'; drop table x; --",
                    "1min",
                    Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream());
  }
}
