package dev.tessera.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardMapTest {

  private static final ShardMap TWO = ShardMap.parse("0-2047=orders,2048-4095=orders_2");

  @Test
  void each_shard_is_in_the_database_of_its_range() {
    assertThat(TWO.databaseOf(0)).isEqualTo("orders");
    assertThat(TWO.databaseOf(2047)).isEqualTo("orders");
    assertThat(TWO.databaseOf(2048)).isEqualTo("orders_2");
    assertThat(TWO.databaseOf(4095)).isEqualTo("orders_2");
    assertThat(TWO.ranges())
        .containsExactly(new ShardRange(0, 2047, "orders"), new ShardRange(2048, 4095, "orders_2"));
  }

  @Test
  void there_is_no_database_for_a_shard_outside_0_to_4095() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TWO.databaseOf(4096))
        .withMessage("No shard 4096: shards are numbered 0 to 4095.");
    assertThatIllegalArgumentException().isThrownBy(() -> TWO.databaseOf(-1));
  }

  @Test
  void ranges_may_come_in_any_order_with_whitespace_around_their_parts() {
    ShardMap map = ShardMap.parse(" 2048 - 4095 = orders_2 ,\n\t0-2047=orders ");

    assertThat(map).isEqualTo(TWO);
    assertThat(map).hasToString("0-2047=orders,2048-4095=orders_2");
  }

  @Test
  void a_map_built_from_ranges_equals_the_one_parsed_from_its_text() {
    ShardMap built =
        ShardMap.of(
            List.of(new ShardRange(2048, 4095, "orders_2"), new ShardRange(0, 2047, "orders")));

    assertThat(built).isEqualTo(TWO).hasSameHashCodeAs(TWO);
  }

  @Test
  void maps_that_put_every_shard_in_the_same_database_are_equal_however_their_ranges_were_cut() {
    ShardMap cut =
        ShardMap.parse("0-99=orders,100-2047=orders,2048-3000=orders_2,3001-4095=orders_2");

    assertThat(cut).isEqualTo(TWO).hasSameHashCodeAs(TWO);
    assertThat(cut.ranges()).hasSize(2);
    assertThat(ShardMap.parse("0-2048=orders,2049-4095=orders_2")).isNotEqualTo(TWO);
    assertThat(ShardMap.parse("0-2047=orders,2048-4095=orders_3")).isNotEqualTo(TWO);
  }

  @Test
  void a_single_database_holds_every_shard() {
    ShardMap single = ShardMap.single("orders");

    assertThat(single).hasToString("0-4095=orders");
    assertThat(single.databaseOf(0)).isEqualTo("orders");
    assertThat(single.databaseOf(4095)).isEqualTo("orders");
    assertThat(single.databases()).containsExactly("orders");
    assertThat(single).isEqualTo(ShardMap.parse("0-4095=orders"));
  }

  @Test
  void the_text_of_any_map_reads_back_as_an_equal_map() {
    Random random = new Random(20);
    ShardMap map = ShardMap.single("orders");
    for (int i = 0; i < 200; i++) {
      int shard = random.nextInt(Shards.COUNT);
      String from = map.databaseOf(shard);
      ShardRange held =
          map.rangesOf(from).stream().filter(r -> r.contains(shard)).findFirst().get();
      int to = shard + random.nextInt(held.toInclusive() - shard + 1);
      String database = "orders_" + random.nextInt(5);
      if (!database.equals(from)) {
        map = map.withMoved(new ShardRange(shard, to, from), database);
      }

      assertThat(ShardMap.parse(map.toString())).isEqualTo(map);
    }
    assertThat(map.ranges()).hasSizeGreaterThan(20);
  }

  @Test
  void a_user_is_in_the_database_of_their_shard() {
    // The nil user id is on shard 2800 (ShardsTest).
    assertThat(TWO.databaseOfUser(new UUID(0, 0))).isEqualTo("orders_2");
    for (int i = 0; i < 100; i++) {
      UUID user = UUID.randomUUID();

      assertThat(TWO.databaseOfUser(user)).isEqualTo(TWO.databaseOf(Shards.ofUser(user)));
    }
  }

  @Test
  void an_order_is_in_the_database_of_the_shard_its_id_names() {
    assertThat(TWO.databaseOfOrder(ShardedIds.next(2047))).isEqualTo("orders");
    assertThat(TWO.databaseOfOrder(ShardedIds.next(2048))).isEqualTo("orders_2");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TWO.databaseOfOrder(UUID.randomUUID()))
        .withMessageContaining("is not a sharded id");
  }

  @Test
  void the_databases_are_listed_once_each_in_the_order_of_their_first_shard() {
    ShardMap map = ShardMap.parse("200-4095=orders_b,0-99=orders_b,100-199=orders_a");

    assertThat(map.databases()).containsExactly("orders_b", "orders_a");
  }

  @Test
  void the_ranges_of_a_database_are_listed_in_shard_order() {
    ShardMap map = ShardMap.parse("200-4095=orders_b,0-99=orders_b,100-199=orders_a");

    assertThat(map.rangesOf("orders_b"))
        .containsExactly(new ShardRange(0, 99, "orders_b"), new ShardRange(200, 4095, "orders_b"));
    assertThat(map.rangesOf("orders_a")).containsExactly(new ShardRange(100, 199, "orders_a"));
    assertThat(map.rangesOf("orders_c")).isEmpty();
  }

  @Test
  void a_gap_is_refused_by_name() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-99=orders,200-4095=orders_2"))
        .withMessage(
            "A shard map must put each shard from 0 to 4095 in exactly one database:"
                + " no database for shards 100-199.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("1-4094=orders"))
        .withMessageEndingWith(": no database for shard 0; no database for shard 4095.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.of(List.of()))
        .withMessageEndingWith(": no database for shards 0-4095.");
  }

  @Test
  void an_overlap_is_refused_naming_both_ranges() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-2047=orders,2000-4095=orders_2"))
        .withMessage(
            "A shard map must put each shard from 0 to 4095 in exactly one database:"
                + " shards 2000-2047 in both 0-2047=orders and 2000-4095=orders_2.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-4095=orders,7-7=orders"))
        .withMessageEndingWith(": shard 7 in both 0-4095=orders and 7-7=orders.");
  }

  @Test
  void every_gap_and_overlap_is_named_at_once() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-10=a,5-20=b,30-4000=c"))
        .withMessageEndingWith(
            ": shards 5-10 in both 0-10=a and 5-20=b; no database for shards 21-29;"
                + " no database for shards 4001-4095.");
  }

  @Test
  void text_that_is_not_a_shard_map_is_refused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse(" "))
        .withMessage("An empty shard map: write ranges such as 0-2047=orders,2048-4095=orders_2.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-2047=orders;2048-4095=orders_2"))
        .withMessageStartingWith("'orders;2048-4095=orders_2' is not a database name");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-4095=orders,"))
        .withMessage("'' is not a shard range: write FROM-TO=DATABASE, such as 0-2047=orders.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0..4095=orders"))
        .withMessageStartingWith("'0..4095=orders' is not a shard range");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-4095=orders two"))
        .withMessageStartingWith("'0-4095=orders two' is not a shard range");
  }

  @Test
  void a_range_outside_the_shards_or_backwards_or_of_a_bad_name_is_refused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardMap.parse("0-4096=orders"))
        .withMessage("No shard 4096: shards are numbered 0 to 4095.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ShardRange(10, 9, "orders"))
        .withMessage("The shard range 10-9 ends before it starts.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ShardRange(0, 9, "orders=2"))
        .withMessage(
            "'orders=2' is not a database name: a letter or _, then letters, digits, _ or -.");
    assertThatIllegalArgumentException().isThrownBy(() -> new ShardRange(0, 9, ""));
    assertThatIllegalArgumentException().isThrownBy(() -> new ShardRange(0, 9, null));
  }

  @Test
  void a_map_does_not_change_when_the_list_it_was_built_from_does() {
    List<ShardRange> ranges = new ArrayList<>(List.of(new ShardRange(0, 4095, "orders")));
    ShardMap map = ShardMap.of(ranges);

    ranges.set(0, new ShardRange(0, 4095, "orders_2"));

    assertThat(map.databaseOf(0)).isEqualTo("orders");
    assertThat(map.ranges()).isUnmodifiable();
    assertThat(map.databases()).isUnmodifiable();
  }

  @Test
  void moving_shards_gives_them_to_the_new_database_and_leaves_the_old_map_as_it_was() {
    ShardMap single = ShardMap.single("orders");

    ShardMap moved = single.withMoved(new ShardRange(2048, 4095, "orders"), "orders_2");

    assertThat(moved).isEqualTo(TWO);
    assertThat(single).isEqualTo(ShardMap.single("orders"));
  }

  @Test
  void moving_the_middle_of_a_range_cuts_it_in_three() {
    ShardMap moved = ShardMap.single("orders").withMoved(new ShardRange(100, 199, "orders"), "x");

    assertThat(moved).hasToString("0-99=orders,100-199=x,200-4095=orders");
    assertThat(moved.databases()).containsExactly("orders", "x");
  }

  @Test
  void shards_moved_next_to_their_new_database_s_merge_with_its_range() {
    ShardMap moved = TWO.withMoved(new ShardRange(1024, 2047, "orders"), "orders_2");

    assertThat(moved).hasToString("0-1023=orders,1024-4095=orders_2");
    assertThat(moved.rangesOf("orders_2")).containsExactly(new ShardRange(1024, 4095, "orders_2"));

    ShardMap back = moved.withMoved(new ShardRange(1024, 4095, "orders_2"), "orders");
    assertThat(back).isEqualTo(ShardMap.single("orders")).hasToString("0-4095=orders");
  }

  @Test
  void a_move_across_two_databases_is_refused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TWO.withMoved(new ShardRange(2000, 2100, "orders"), "orders_3"))
        .withMessage(
            "Cannot move 2000-2100=orders to orders_3: not all in orders (shards 2048-2100 in"
                + " orders_2).");
  }

  @Test
  void a_move_from_a_database_that_does_not_hold_the_shards_is_refused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TWO.withMoved(new ShardRange(0, 9, "orders_2"), "orders_3"))
        .withMessage(
            "Cannot move 0-9=orders_2 to orders_3: not all in orders_2 (shards 0-9 in orders).");
  }

  @Test
  void a_move_to_where_the_shards_are_or_to_a_bad_name_is_refused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TWO.withMoved(new ShardRange(0, 9, "orders"), "orders"))
        .withMessage("Cannot move 0-9=orders to orders: it is there already.");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TWO.withMoved(new ShardRange(0, 9, "orders"), "orders 3"))
        .withMessageStartingWith("'orders 3' is not a database name");
  }
}
