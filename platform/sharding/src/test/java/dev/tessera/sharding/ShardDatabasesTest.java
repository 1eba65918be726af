package dev.tessera.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardDatabasesTest {

  @Test
  void reads_each_other_database_with_its_name_and_url_after_the_home_one() {
    var others =
        NamedDatabase.parseAll(
            "orders",
            " orders2=postgresql://db2:5432/orders , orders3=postgresql://db3:5433/orders,");
    var databases = new ShardDatabases("orders", others);

    assertThat(databases.names()).containsExactly("orders", "orders2", "orders3");
    assertThat(databases.sharded()).isTrue();
    assertThat(others.get(0).url()).isEqualTo("postgresql://db2:5432/orders");
    assertThat(others.get(1).jdbcUrl()).isEqualTo("jdbc:postgresql://db3:5433/orders");
  }

  @Test
  void none_configured_is_one_database_that_routes_nothing() {
    var databases = new ShardDatabases("billing", NamedDatabase.parseAll("billing", " "));

    assertThat(databases.names()).containsExactly("billing");
    assertThat(databases.sharded()).isFalse();
  }

  @Test
  void refuses_a_name_that_cannot_name_a_slot_a_repeated_one_the_home_one_and_a_foreign_url() {
    for (String bad :
        List.of(
            "orders-2=postgresql://h/orders",
            "postgresql://h/orders",
            "orders2=postgresql://h/o,orders2=postgresql://k/o",
            "orders=postgresql://h/orders",
            "orders2=mysql://h/orders")) {
      assertThatThrownBy(() -> NamedDatabase.parseAll("orders", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tessera.sharding.databases");
    }
  }
}
