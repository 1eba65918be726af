package dev.tessera.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.launcher.ShardsTool.Held;
import dev.tessera.launcher.ShardsTool.Range;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardsToolTest {

  @Test
  void a_database_that_owns_every_shard_is_one_range_holding_every_row() {
    Map<Integer, String> leases = new HashMap<>();
    for (int shard = 0; shard < 4096; shard++) {
      leases.put(shard, "OWNED");
    }
    Map<Integer, Held> held = Map.of(7, new Held(3, 1), 4095, new Held(2, 2));

    assertThat(ShardsTool.ranges(leases, held)).containsExactly(new Range(0, 4095, "OWNED", 5, 3));
  }

  @Test
  void shards_in_another_state_or_without_a_lease_make_ranges_of_their_own_covering_every_shard() {
    Map<Integer, String> leases = new HashMap<>();
    for (int shard = 0; shard < 2048; shard++) {
      leases.put(shard, shard < 1024 ? "OWNED" : "MOVED");
    }
    leases.put(4095, "RECEIVING");
    Map<Integer, Held> held = Map.of(0, new Held(1, 1), 1024, new Held(4, 2), 3000, new Held(9, 9));

    assertThat(ShardsTool.ranges(leases, held))
        .containsExactly(
            new Range(0, 1023, "OWNED", 1, 1),
            new Range(1024, 2047, "MOVED", 4, 2),
            new Range(2048, 4094, "NONE", 9, 9),
            new Range(4095, 4095, "RECEIVING", 0, 0));
  }
}
