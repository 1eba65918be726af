package dev.tessera.testing;

import dev.tessera.servers.Database;
import dev.tessera.servers.Postgres;
import dev.tessera.servers.Servers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A second database for the service under test (docs/sharding.md), next to the one {@link
 * TesseraTestResource} gives it, on the same shared server: {@code <service>_s2}, named {@code
 * <service>2} in the shard map ({@code tessera.sharding.databases}), owned by the same role and
 * owning no shard ({@code tessera.owned_shards} is empty before its migrations run). A test gives
 * it shards as a move's last step would — the first database's lease {@code MOVED}, this one's
 * {@code OWNED} — and gives them back. Use it together with {@link TesseraTestResource}, restricted
 * to the test class. Init arg: {@value #SERVICE}.
 */
public class ShardedDatabasesResource implements QuarkusTestResourceLifecycleManager {

  /** Init arg: the service's name; its role and databases are named after it. */
  public static final String SERVICE = "service";

  private String service;

  @Override
  public void init(Map<String, String> initArgs) {
    service = initArgs.get(SERVICE);
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("ShardedDatabasesResource needs the service init arg");
    }
  }

  @Override
  public Map<String, String> start() {
    Servers servers = TesseraServers.shared();
    String role = service.replace('-', '_');
    Database second = servers.postgres().createDatabase(role + "_s2", role, role + "-local");
    own(servers.postgres(), second.name(), "");
    return Map.of("tessera.sharding.databases", role + "2=" + second.reactiveUrl());
  }

  /** Tells a database not migrated yet which shards it owns (orders' V4 reads it). */
  static void own(Postgres postgres, String database, String ranges) {
    try (Connection c = postgres.connectAsSuperuser(database);
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("select to_regclass('flyway_schema_history')")) {
        if (r.next() && r.getString(1) != null) {
          return;
        }
      }
      s.execute("alter database \"" + database + "\" set tessera.owned_shards = '" + ranges + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot say which shards " + database + " owns", e);
    }
  }

  @Override
  public void stop() {}
}
