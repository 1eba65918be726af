package dev.tessera.migrations;

import dev.tessera.sharding.NamedDatabase;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs a service's Flyway migrations outside the service: what the chart's migration Job ({@code
 * migrate}, once per release) and the apps' init containers ({@code await}: wait until the schema
 * is what this image expects, never migrate) run from the service image.
 *
 * <p>Every migration statement runs with PostgreSQL's {@code lock_timeout} and {@code
 * statement_timeout}: a DDL statement that must wait for a lock held by a running pod's long
 * transaction fails after the lock timeout (the Job tries again) instead of queueing — and, queued,
 * making every later query of the running pods on that table wait behind it.
 *
 * <p>Configured from the environment: {@code QUARKUS_DATASOURCE_JDBC_URL}, {@code
 * QUARKUS_DATASOURCE_USERNAME}, {@code QUARKUS_DATASOURCE_PASSWORD} (the same variables the service
 * reads), {@code TESSERA_MIGRATIONS_LOCK_TIMEOUT} (default {@code 5s}), {@code
 * TESSERA_MIGRATIONS_STATEMENT_TIMEOUT} ({@code 10min}) and {@code TESSERA_MIGRATIONS_WAIT}
 * (seconds to wait for the database or the schema, {@code 600}).
 *
 * <p>A sharded service (docs/sharding.md) also names its other databases in {@code
 * TESSERA_SHARDING_DATABASES}, comma-separated {@code name=postgresql://host:port/db} entries (the
 * reactive URL; the JDBC URL is {@code jdbc:} + it): {@code migrate} and {@code await} act on the
 * home database first, then on each of those, in order, with the same credentials and timeouts.
 */
public final class MigrationTool {

  /** Where a service's migrations are on its class path: the platform's, then its own. */
  public static final List<String> LOCATIONS =
      List.of("classpath:db/tessera", "classpath:db/migration");

  private static final Pattern TIMEOUT = Pattern.compile("[0-9]+(ms|s|min|h)");

  /** The environment variable naming a sharded service's other databases. */
  public static final String SHARDING_DATABASES = "TESSERA_SHARDING_DATABASES";

  /** What the tool needs to reach and migrate one database. */
  public record Settings(
      String jdbcUrl,
      String username,
      String password,
      String lockTimeout,
      String statementTimeout,
      Duration patience) {

    /** Settings checked: the timeouts are PostgreSQL durations (they go into SQL). */
    public Settings {
      for (String timeout : List.of(lockTimeout, statementTimeout)) {
        if (!TIMEOUT.matcher(timeout).matches()) {
          throw new IllegalArgumentException(
              "not a PostgreSQL duration like 5s or 10min: " + timeout);
        }
      }
    }

    /** The settings the environment gives. */
    public static Settings from(Map<String, String> env) {
      return new Settings(
          required(env, "QUARKUS_DATASOURCE_JDBC_URL"),
          required(env, "QUARKUS_DATASOURCE_USERNAME"),
          required(env, "QUARKUS_DATASOURCE_PASSWORD"),
          env.getOrDefault("TESSERA_MIGRATIONS_LOCK_TIMEOUT", "5s"),
          env.getOrDefault("TESSERA_MIGRATIONS_STATEMENT_TIMEOUT", "10min"),
          Duration.ofSeconds(Long.parseLong(env.getOrDefault("TESSERA_MIGRATIONS_WAIT", "600"))));
    }

    /** The same settings for another database. */
    public Settings withJdbcUrl(String url) {
      return new Settings(url, username, password, lockTimeout, statementTimeout, patience);
    }

    /**
     * Every database the environment names, by name, in the order to act on them: the home database
     * ({@code home}), then each of {@value #SHARDING_DATABASES}.
     */
    public static Map<String, Settings> databases(Map<String, String> env) {
      Settings home = from(env);
      Map<String, Settings> databases = new LinkedHashMap<>();
      databases.put("home", home);
      shardingDatabases(env.getOrDefault(SHARDING_DATABASES, ""))
          .forEach((name, url) -> databases.put(name, home.withJdbcUrl(url)));
      return databases;
    }

    private static String required(Map<String, String> env, String name) {
      String value = env.get(name);
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " is not set");
      }
      return value;
    }
  }

  private MigrationTool() {}

  /**
   * The JDBC URL of each entry of a {@value #SHARDING_DATABASES} value, by name, in its order;
   * empty for a blank value. Refused as the services refuse it (platform/sharding {@code
   * NamedDatabase}): a database left out would be left unmigrated.
   */
  public static Map<String, String> shardingDatabases(String value) {
    Map<String, String> databases = new LinkedHashMap<>();
    NamedDatabase.parseAll("home", value)
        .forEach(database -> databases.put(database.name(), database.jdbcUrl()));
    return databases;
  }

  /** {@code migrate} or {@code await}; exits 0 when done, 1 when not. */
  public static void main(String[] args) {
    String command = args.length == 0 ? "" : args[0];
    int code;
    try {
      Map<String, Settings> databases = Settings.databases(System.getenv());
      code =
          switch (command) {
            case "migrate" -> {
              for (var database : databases.entrySet()) {
                say(databases, database.getKey());
                migrate(database.getValue(), System.out);
              }
              yield 0;
            }
            case "await" -> {
              for (var database : databases.entrySet()) {
                say(databases, database.getKey());
                if (!awaitSchema(database.getValue(), System.out)) {
                  yield 1;
                }
              }
              yield 0;
            }
            default -> {
              System.err.println("usage: MigrationTool migrate|await");
              yield 2;
            }
          };
    } catch (RuntimeException e) {
      // The message only: a stack trace of a JDBC failure can carry the connection settings.
      System.err.println("migration failed: " + e.getMessage());
      code = 1;
    }
    System.exit(code);
  }

  /** Which database the lines after it are about, where there is more than one. */
  private static void say(Map<String, Settings> databases, String name) {
    if (databases.size() > 1) {
      System.out.println("database " + name + ":");
    }
  }

  /**
   * Flyway for the service's migrations, with the statement limits on every connection; {@code
   * waitForDatabase}: retry connecting for up to {@link Settings#patience()}.
   */
  public static Flyway flyway(Settings settings, ClassLoader classLoader, boolean waitForDatabase) {
    int retries =
        waitForDatabase
            ? (int) Math.min(Integer.MAX_VALUE, Math.max(0, settings.patience().toSeconds() / 5))
            : 0;
    return Flyway.configure(classLoader)
        .dataSource(settings.jdbcUrl(), settings.username(), settings.password())
        .locations(LOCATIONS.toArray(String[]::new))
        .initSql(
            "set lock_timeout = '"
                + settings.lockTimeout()
                + "'; set statement_timeout = '"
                + settings.statementTimeout()
                + "'")
        // A fresh install creates the database in the same release: wait for it.
        .connectRetries(retries)
        .connectRetriesInterval(5)
        .load();
  }

  /** Applies what is pending; Flyway's advisory lock keeps a second runner waiting, not racing. */
  public static MigrateResult migrate(Settings settings, PrintStream out) {
    MigrateResult result = flyway(settings, MigrationTool.class.getClassLoader(), true).migrate();
    if (result.migrationsExecuted == 0) {
      out.println("nothing to migrate: the schema is current");
    } else {
      // What was applied goes to the Job's log (Flyway's own log has no backend outside Quarkus).
      result.migrations.forEach(m -> out.printf("applied %s %s%n", m.version, m.description));
      out.printf(
          "migrated %d migration(s); schema version now %s%n",
          result.migrationsExecuted, result.targetSchemaVersion);
    }
    return result;
  }

  /** Migrations this image has that the database does not yet (empty: the schema is current). */
  public static List<MigrationInfo> pending(Settings settings) {
    return Arrays.asList(
        flyway(settings, MigrationTool.class.getClassLoader(), false).info().pending());
  }

  /** Waits until nothing is pending, at most {@link Settings#patience()}; whether it got there. */
  public static boolean awaitSchema(Settings settings, PrintStream out) {
    long deadline = System.nanoTime() + settings.patience().toNanos();
    String last = null;
    while (true) {
      String state;
      try {
        List<MigrationInfo> pending = pending(settings);
        if (pending.isEmpty()) {
          out.println("schema is current");
          return true;
        }
        state =
            "waiting for the migration Job: pending "
                + pending.stream().map(MigrationInfo::getScript).toList();
      } catch (RuntimeException e) {
        state = "waiting for the database: " + e.getMessage();
      }
      if (!state.equals(last)) {
        out.println(state);
        last = state;
      }
      if (System.nanoTime() - deadline >= 0) {
        out.println("gave up after " + settings.patience());
        return false;
      }
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
