package dev.tessera.shardmover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Moves the mover refuses before it changes anything, with a message saying why. */
class ShardMoveRefusalsTest {

  private static Database a;
  private static Database b;
  private static Database c;
  private static Database twice;
  private static Database unmigrated;
  private static Database behind;
  private static Map<Integer, String> leasesOfA;

  @BeforeAll
  static void databases() throws SQLException {
    a = TestDatabases.create(TestDatabases.first(), "refusea", "refusea", "0-99,200-4095");
    b = TestDatabases.create(TestDatabases.second(), "refuseb", "refuseb", "100-199");
    c = TestDatabases.create(TestDatabases.second(), "refusec", "refusec", "");
    twice = TestDatabases.create(TestDatabases.second(), "refusetwice", "refusetwice", "300-305");
    unmigrated =
        TestDatabases.createMigratedTo(
            TestDatabases.second(), "refusenone", "refusenone", "", null);
    behind =
        TestDatabases.createMigratedTo(
            TestDatabases.second(), "refusebehind", "refusebehind", "", "6");
    try (Connection connection = a.connect()) {
      leasesOfA = OrdersRows.leases(connection);
    }
  }

  private static ShardMover mover() {
    return new ShardMover(NegativeControlsTest.quick().withoutOutboxConnector(), MoveListener.NONE);
  }

  @Test
  void a_range_owned_by_two_databases_is_refused() {
    assertThatThrownBy(() -> mover().move(List.of(a, b, c), 50, 150, "refusec"))
        .isInstanceOf(MoveRefusedException.class)
        .hasMessageContaining("not owned by one database")
        .hasMessageContaining("shards 50-99 in refusea")
        .hasMessageContaining("shards 100-150 in refuseb");
  }

  @Test
  void a_target_that_owns_part_of_the_range_is_refused() {
    assertThatThrownBy(() -> mover().move(List.of(a, b, c), 150, 250, "refuseb"))
        .isInstanceOf(MoveRefusedException.class)
        .hasMessageContaining("the target refuseb already owns shards 150-199 of 150-250");
  }

  @Test
  void a_range_with_a_shard_owned_twice_is_refused() {
    assertThatThrownBy(() -> mover().move(List.of(a, twice, c), 300, 310, "refusec"))
        .isInstanceOf(MoveRefusedException.class)
        .hasMessageContaining("OWNED by more than one database")
        .hasMessageContaining("shards 300-305 in refusea and refusetwice");
  }

  @Test
  void an_unmigrated_target_is_refused() {
    assertThatThrownBy(() -> mover().move(List.of(a, unmigrated), 400, 410, "refusenone"))
        .isInstanceOf(MoveRefusedException.class)
        .hasMessageContaining("the target refusenone is not migrated");
  }

  @Test
  void a_target_behind_the_sources_schema_is_refused() {
    assertThatThrownBy(() -> mover().move(List.of(a, behind), 400, 410, "refusebehind"))
        .isInstanceOf(MoveRefusedException.class)
        .hasMessageContaining("not migrated like the source refusea")
        .hasMessageContaining("target at V6")
        .hasMessageContaining("target lacks [7");
  }

  @Test
  void a_target_that_is_not_among_the_databases_is_refused() {
    assertThatThrownBy(() -> mover().move(List.of(a, c), 400, 410, "nowhere"))
        .isInstanceOf(MoveRefusedException.class)
        .hasMessageContaining("no database named nowhere");
  }

  @AfterEach
  void nothing_changed() throws SQLException {
    try (Connection connection = a.connect()) {
      assertThat(OrdersRows.leases(connection)).isEqualTo(leasesOfA);
      assertThat(
              OrdersRows.count(
                  connection,
                  "select count(*) from pg_publication where pubname like 'tessera_move%'"))
          .isZero();
      assertThat(
              OrdersRows.count(
                  connection,
                  "select count(*) from pg_class where relreplident = 'f'"
                      + " and relnamespace = 'public'::regnamespace"))
          .isZero();
    }
    for (Database target : List.of(b, c, behind)) {
      try (Connection connection = target.connect()) {
        assertThat(
                OrdersRows.count(
                    connection, "select count(*) from shard_lease where state = 'RECEIVING'"))
            .isZero();
        assertThat(OrdersRows.count(connection, "select count(*) from pg_subscription")).isZero();
      }
    }
  }
}
