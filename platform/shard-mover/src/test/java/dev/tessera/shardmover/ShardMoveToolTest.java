package dev.tessera.shardmover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CLI: configured from the service's environment, as the migration tool is. */
class ShardMoveToolTest {

  private static final Map<String, String> ENV =
      Map.of(
          "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://orders-db:5432/orders",
          "QUARKUS_DATASOURCE_USERNAME", "orders",
          "QUARKUS_DATASOURCE_PASSWORD", "secret",
          "TESSERA_SHARDING_DATABASES",
              "orders2=postgresql://orders-2-db:5432/orders, orders3=postgresql://o3:6432/o3");

  @Test
  void the_databases_are_the_home_one_and_those_the_environment_lists() {
    List<Database> databases = ShardMoveTool.databases(ENV);

    assertThat(databases)
        .extracting(Database::name)
        .containsExactly("orders", "orders2", "orders3");
    assertThat(databases.get(1).jdbcUrl()).isEqualTo("jdbc:postgresql://orders-2-db:5432/orders");
    assertThat(databases.get(2).host()).isEqualTo("o3");
    assertThat(databases.get(2).port()).isEqualTo(6432);
    assertThat(databases.get(2).databaseName()).isEqualTo("o3");
    assertThat(databases.get(2).username()).isEqualTo("orders");
    assertThat(databases.get(2).toString()).doesNotContain("secret");
  }

  @Test
  void bad_names_and_urls_are_refused() {
    for (String bad :
        List.of(
            "Orders2=postgresql://h:1/d",
            "orders_2=postgresql://h:1/d",
            "orders=postgresql://h:1/d",
            "orders2=jdbc:postgresql://h:1/d",
            "orders2")) {
      Map<String, String> env = new java.util.HashMap<>(ENV);
      env.put("TESSERA_SHARDING_DATABASES", bad);
      assertThatThrownBy(() -> ShardMoveTool.databases(env))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tessera.sharding.databases");
    }
  }

  @Test
  void usage_and_configuration_errors_exit_with_2() {
    assertThat(run(ENV, "move", "1-2")).isEqualTo(2);
    assertThat(run(ENV, "move", "x-2", "orders2")).isEqualTo(2);
    assertThat(run(Map.of(), "move", "1-2", "orders2")).isEqualTo(2);
  }

  @Test
  void moves_a_range_to_the_home_database_from_the_one_whose_leases_own_it() throws Exception {
    int first = 3584;
    int last = 3647;
    Database other = TestDatabases.create(TestDatabases.first(), "clisource", "clisource", null);
    Database home = TestDatabases.create(TestDatabases.second(), "clihome", "orders", "");
    UUID user = OrdersRows.users(1, s -> s >= first && s <= last).get(0);
    try (Connection c = other.connect()) {
      OrdersRows.seedUser(c, user);
    }
    Map<String, String> env =
        Map.of(
            "QUARKUS_DATASOURCE_JDBC_URL",
            home.jdbcUrl(),
            "QUARKUS_DATASOURCE_USERNAME",
            TestDatabases.ROLE,
            "QUARKUS_DATASOURCE_PASSWORD",
            TestDatabases.PASSWORD,
            "TESSERA_SHARDING_DATABASES",
            "clisource=" + other.jdbcUrl().substring("jdbc:".length()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    // Without the source's outbox connector (its slot), the tool does not start.
    int refused =
        ShardMoveTool.run(
            new String[] {"move", first + "-" + last, "orders"},
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(refused).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("refused: ")
        .contains("no outbox connector slot tessera_clisource_outbox");

    int code;
    try (FakeOutboxConnector connector =
        new FakeOutboxConnector(other, "tessera_clisource_outbox").running(true)) {
      code =
          ShardMoveTool.run(
              new String[] {"move", first + "-" + last, "orders"},
              env,
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed)
        .contains("moved shards 3584-3647 from clisource to orders")
        .contains("OUTBOX_PAST_CUTOVER")
        .contains("writes to the range paused");
    try (Connection c = home.connect()) {
      assertThat(OrdersRows.rowsInRange(c, "user_projection", first, last)).isOne();
    }
  }

  private static int run(Map<String, String> env, String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(sink, true, StandardCharsets.UTF_8);
    return ShardMoveTool.run(args, env, print, print);
  }
}
