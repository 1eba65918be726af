package dev.tessera.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardedIdsTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-06T10:15:30.123Z"), ZoneOffset.UTC);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4095})
  void an_id_names_the_shard_it_was_made_on(int shard) {
    assertThat(ShardedIds.shardOf(ShardedIds.next(shard))).isEqualTo(shard);
    assertThat(ShardedIds.shardOf(ShardedIds.next(shard, CLOCK))).isEqualTo(shard);
  }

  @Test
  void an_id_on_any_shard_names_that_shard() {
    for (int i = 0; i < 1000; i++) {
      int shard = ThreadLocalRandom.current().nextInt(Shards.COUNT);

      assertThat(ShardedIds.shardOf(ShardedIds.next(shard))).isEqualTo(shard);
    }
  }

  @Test
  void an_id_is_an_rfc_9562_uuid_of_version_8() {
    UUID id = ShardedIds.next(4095, CLOCK);

    assertThat(id.version()).isEqualTo(8);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(UUID.fromString(id.toString())).isEqualTo(id);
  }

  @Test
  void an_id_holds_the_millisecond_it_was_made_in_its_first_48_bits() {
    UUID id = ShardedIds.next(7, CLOCK);

    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(CLOCK.millis());
    // 2026-12-06T10:15:30.123Z is 0x01A24AD9FE4B ms; then version 8 and shard 7 (0x007).
    assertThat(id.toString()).startsWith("01a24ad9-fe4b-8007-");
  }

  @Test
  void ids_of_a_later_millisecond_sort_after_earlier_ones_by_their_string_form() {
    long[] instants = {0, 0xFFF, 0x1000, 0xFFFF_FFFFL, 0x1_0000_0000L, CLOCK.millis()};
    for (long millis : instants) {
      // The earlier id on the highest shard, the later on the lowest: time alone must order them.
      UUID earlier = ShardedIds.next(4095, at(millis));
      UUID later = ShardedIds.next(0, at(millis + 1));

      assertThat(later.toString()).isGreaterThan(earlier.toString());
    }
  }

  @Test
  void ids_made_in_one_millisecond_on_one_shard_are_distinct() {
    Set<UUID> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(ShardedIds.next(42, CLOCK));
    }

    assertThat(ids).hasSize(10_000);
  }

  @Test
  void a_random_uuid_names_no_shard() {
    UUID v4 = UUID.fromString("f47ac10b-58cc-4372-a567-0e02b2c3d479");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardedIds.shardOf(v4))
        .withMessage(
            "f47ac10b-58cc-4372-a567-0e02b2c3d479 is not a sharded id: its version is 4 and its"
                + " variant 2, where a sharded id's are 8 and 2 (UUIDv8, RFC 9562).");
  }

  @Test
  void a_version_8_uuid_of_another_variant_names_no_shard() {
    UUID microsoftVariant = UUID.fromString("019af333-c1fb-8007-c000-000000000000");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardedIds.shardOf(microsoftVariant))
        .withMessageContaining("its version is 8 and its variant 6");
  }

  @Test
  void there_is_no_id_on_a_shard_outside_0_to_4095() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardedIds.next(4096, CLOCK))
        .withMessage("No shard 4096: shards are numbered 0 to 4095.");
    assertThatIllegalArgumentException().isThrownBy(() -> ShardedIds.next(-1));
  }

  @Test
  void a_clock_before_1970_makes_no_id() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ShardedIds.next(0, at(-1)))
        .withMessageStartingWith("The clock reads 1969-12-31T23:59:59.999Z");
  }

  private static Clock at(long epochMilli) {
    return Clock.fixed(Instant.ofEpochMilli(epochMilli), ZoneOffset.UTC);
  }
}
