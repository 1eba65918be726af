package dev.tessera.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardsTest {

  @Test
  void a_user_id_is_hashed_as_its_16_bytes_most_significant_first() {
    // The bytes of "123456789ABCDEF1": XXH64 0x2FF14A9841F54CC3 (XxHash64Test, from xxHash-Swift).
    UUID user = UUID.fromString("31323334-3536-3738-3941-424344454631");

    assertThat(Shards.ofUser(user)).isEqualTo(0x2FF);
  }

  @Test
  void the_shard_of_a_user_never_changes() {
    // Pinned (and computed apart, by a throwaway implementation in another language): a change
    // here would put users' orders on another shard than the one their stored order ids name.
    assertThat(Shards.ofUser(new UUID(0, 0))).isEqualTo(2800);
    assertThat(Shards.ofUser(new UUID(-1, -1))).isEqualTo(2674);
    assertThat(Shards.ofUser(UUID.fromString("0b5f1c3e-9a47-4d2b-8e61-3f0a9c7d5e12")))
        .isEqualTo(1815);
    assertThat(Shards.ofUser(UUID.fromString("f47ac10b-58cc-4372-a567-0e02b2c3d479")))
        .isEqualTo(2198);
  }

  @Test
  void random_user_ids_spread_evenly_over_the_shards() {
    int users = 100_000;
    int[] perShard = new int[Shards.COUNT];
    for (int i = 0; i < users; i++) {
      perShard[Shards.ofUser(UUID.randomUUID())]++;
    }

    double expected = (double) users / Shards.COUNT;
    double chiSquare = 0;
    for (int count : perShard) {
      chiSquare += (count - expected) * (count - expected) / expected;
    }
    // Upper 1e-6 tail of chi-square with 4095 degrees of freedom (Wilson-Hilferty, z = 4.753):
    // about 4540. An even spread exceeds it once in a million runs; a tenth more users on half
    // the shards (and a tenth fewer on the others) adds some 1000 to the statistic and always does.
    assertThat(chiSquare).isLessThan(chiSquareUpperTail(Shards.COUNT - 1, 4.753));
  }

  @Test
  void a_shard_number_is_0_to_4095() {
    assertThat(Shards.check(0)).isZero();
    assertThat(Shards.check(4095)).isEqualTo(4095);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Shards.check(4096))
        .withMessage("No shard 4096: shards are numbered 0 to 4095.");
    assertThatIllegalArgumentException().isThrownBy(() -> Shards.check(-1));
  }

  private static double chiSquareUpperTail(int degreesOfFreedom, double z) {
    double k = 2.0 / (9 * degreesOfFreedom);
    return degreesOfFreedom * Math.pow(1 - k + z * Math.sqrt(k), 3);
  }
}
