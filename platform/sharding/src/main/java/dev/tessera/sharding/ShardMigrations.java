package dev.tessera.sharding;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Migrates the service's other databases at start, as Quarkus migrates the home one, when {@code
 * quarkus.flyway.migrate-at-start} is on (locally and in tests). In Kubernetes the release's
 * migration Job migrates every database instead (platform/migrations {@code MigrationTool}).
 *
 * <p>With Quarkus' own Flyway configuration (its locations and the resource list it made at build
 * time), so every database gets exactly the migrations the home one gets.
 */
@ApplicationScoped
public class ShardMigrations {

  private static final Logger LOG = Logger.getLogger(ShardMigrations.class);

  /** Before the router reads the leases the migrations create. */
  static final int FIRST = -2000;

  private final ShardDatabases databases;
  private final Instance<Flyway> flyway;
  private final boolean migrateAtStart;
  private final String username;
  private final String password;

  ShardMigrations(
      ShardDatabases databases,
      Instance<Flyway> flyway,
      @ConfigProperty(name = "quarkus.flyway.migrate-at-start", defaultValue = "false")
          boolean migrateAtStart,
      @ConfigProperty(name = "quarkus.datasource.username") String username,
      @ConfigProperty(name = "quarkus.datasource.password") String password) {
    this.databases = databases;
    this.flyway = flyway;
    this.migrateAtStart = migrateAtStart;
    this.username = username;
    this.password = password;
  }

  void onStart(@Observes @Priority(FIRST) StartupEvent event) {
    if (!migrateAtStart || !databases.sharded()) {
      return;
    }
    for (NamedDatabase other : databases.others()) {
      var result =
          Flyway.configure()
              .configuration(flyway.get().getConfiguration())
              .dataSource(other.jdbcUrl(), username, password)
              .load()
              .migrate();
      LOG.infof(
          "database %s migrated to %s (%d migrations applied)",
          other.name(), result.targetSchemaVersion, result.migrationsExecuted);
    }
  }
}
