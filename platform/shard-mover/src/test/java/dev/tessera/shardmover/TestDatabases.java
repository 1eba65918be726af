package dev.tessera.shardmover;

import dev.tessera.migrations.MigrationTool;
import dev.tessera.servers.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Two real PostgreSQL 17 servers with logical replication, started once for the test JVM (their
 * shutdown hook stops them), and orders databases on them migrated as the migration Job does.
 */
final class TestDatabases {

  /** The role that owns every orders database here, as the service's role does. */
  static final String ROLE = "orders";

  static final String PASSWORD = "orders-test-pw";

  private static LocalPostgres first;
  private static LocalPostgres second;

  private TestDatabases() {}

  /** The first server: where the ranges start. */
  static synchronized LocalPostgres first() {
    start();
    return first;
  }

  /** The second server: where the ranges go. */
  static synchronized LocalPostgres second() {
    start();
    return second;
  }

  private static void start() {
    if (first != null) {
      return;
    }
    try {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(tmp);
      first = new LocalPostgres(Files.createTempDirectory(tmp, "mover-pg1-"), false);
      second = new LocalPostgres(Files.createTempDirectory(tmp, "mover-pg2-"), false);
      first.start();
      second.start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A new orders database {@code dbName} on {@code server}, known to the mover as {@code name}:
   * owning every shard ({@code owned} null) or the listed ranges ({@code ''}: none), migrated with
   * the orders and platform migrations.
   */
  static Database create(LocalPostgres server, String dbName, String name, String owned) {
    Database database = createUnmigrated(server, dbName, name, owned);
    migrate(database, null);
    return database;
  }

  /** As {@link #create}, but migrated only up to {@code version} ({@code null}: not at all). */
  static Database createMigratedTo(
      LocalPostgres server, String dbName, String name, String owned, String version) {
    Database database = createUnmigrated(server, dbName, name, owned);
    if (version != null) {
      migrate(database, version);
    }
    return database;
  }

  private static Database createUnmigrated(
      LocalPostgres server, String dbName, String name, String owned) {
    dev.tessera.servers.Database created = server.createDatabase(dbName, ROLE, PASSWORD);
    try (Connection c = server.connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      if (owned != null) {
        // What an operator does before a new database's first migration (docs/sharding.md).
        s.execute("alter database " + dbName + " set tessera.owned_shards = '" + owned + "'");
      }
      // What the mover's README asks of the target's role: it creates the subscription.
      s.execute("grant pg_create_subscription to " + ROLE);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new Database(name, created.jdbcUrl(), ROLE, PASSWORD);
  }

  private static void migrate(Database database, String version) {
    MigrationTool.Settings settings =
        new MigrationTool.Settings(
            database.jdbcUrl(), ROLE, PASSWORD, "5s", "10min", Duration.ofSeconds(5));
    // MigrationTool's locations, with orders' own read from its sources (see the pom).
    String orders = System.getProperty("tessera.orders.migrations");
    if (orders == null || !java.nio.file.Files.isDirectory(Path.of(orders))) {
      throw new IllegalStateException("orders' migrations not found at " + orders);
    }
    var flyway =
        org.flywaydb.core.Flyway.configure(MigrationTool.class.getClassLoader())
            .configuration(
                MigrationTool.flyway(settings, MigrationTool.class.getClassLoader(), false)
                    .getConfiguration())
            .locations(
                MigrationTool.LOCATIONS.stream()
                    .map(l -> l.equals("classpath:db/migration") ? "filesystem:" + orders : l)
                    .toArray(String[]::new));
    if (version != null) {
      flyway.target(version);
    }
    flyway.load().migrate();
  }

  /**
   * Counts, on {@code database}, the rows the subscription's apply worker writes into its outbox:
   * an always-firing trigger (logical replication fires only those) records each in {@code
   * outbox_arrivals}. What the target's own connector would publish a second time.
   */
  static void countOutboxArrivals(Database database) {
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute("create table outbox_arrivals (id uuid, arrived_at timestamptz default now())");
      s.execute(
          "create function tessera_test_outbox_arrival() returns trigger language plpgsql as $$"
              + " begin"
              + " if current_setting('session_replication_role') = 'replica' then"
              + " insert into public.outbox_arrivals (id) values (new.id); end if;"
              + " return new; end $$");
      s.execute(
          "create trigger outbox_arrival after insert on outbox"
              + " for each row execute function tessera_test_outbox_arrival()");
      // Logical replication fires only ALWAYS triggers, with an empty search_path (hence public.).
      s.execute("alter table outbox enable always trigger outbox_arrival");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
