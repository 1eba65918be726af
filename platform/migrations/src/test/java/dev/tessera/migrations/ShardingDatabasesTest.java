package dev.tessera.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TESSERA_SHARDING_DATABASES: which databases migrate and await act on, and in what order. */
class ShardingDatabasesTest {

  private static final Map<String, String> HOME =
      Map.of(
          "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://orders-rw:5432/orders",
          "QUARKUS_DATASOURCE_USERNAME", "orders",
          "QUARKUS_DATASOURCE_PASSWORD", "secret",
          "TESSERA_MIGRATIONS_LOCK_TIMEOUT", "2s");

  private static Map<String, String> with(String sharding) {
    Map<String, String> env = new HashMap<>(HOME);
    env.put(MigrationTool.SHARDING_DATABASES, sharding);
    return env;
  }

  @Test
  void without_the_variable_only_the_home_database_is_acted_on() {
    assertThat(MigrationTool.Settings.databases(HOME)).containsOnlyKeys("home");
    assertThat(MigrationTool.Settings.databases(with(" "))).containsOnlyKeys("home");
  }

  @Test
  void each_listed_database_follows_the_home_one_with_its_jdbc_url_and_the_same_settings() {
    var databases =
        MigrationTool.Settings.databases(
            with(
                "orders2=postgresql://tessera-orders2-db-rw:5432/orders,"
                    + " orders3=postgresql://tessera-orders3-db-rw.tessera.svc:5432/orders"));

    assertThat(databases.keySet()).containsExactly("home", "orders2", "orders3");
    MigrationTool.Settings home = databases.get("home");
    MigrationTool.Settings orders3 = databases.get("orders3");
    assertThat(home.jdbcUrl()).isEqualTo("jdbc:postgresql://orders-rw:5432/orders");
    assertThat(databases.get("orders2").jdbcUrl())
        .isEqualTo("jdbc:postgresql://tessera-orders2-db-rw:5432/orders");
    assertThat(orders3.jdbcUrl())
        .isEqualTo("jdbc:postgresql://tessera-orders3-db-rw.tessera.svc:5432/orders");
    assertThat(orders3).isEqualTo(home.withJdbcUrl(orders3.jdbcUrl()));
    assertThat(orders3.lockTimeout()).isEqualTo("2s");
  }

  @Test
  void a_malformed_entry_is_refused_rather_than_left_unmigrated() {
    for (String bad :
        new String[] {
          "orders2",
          "orders2=",
          "Orders2=postgresql://h:5432/orders",
          "orders2=jdbc:postgresql://h:5432/orders",
          "orders2=postgresql://a:5432/orders,orders2=postgresql://b:5432/orders",
          "home=postgresql://h:5432/orders"
        }) {
      assertThatThrownBy(() -> MigrationTool.shardingDatabases(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tessera.sharding.databases");
    }
  }
}
