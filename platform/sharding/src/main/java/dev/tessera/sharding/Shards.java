package dev.tessera.sharding;

import java.util.UUID;

/** The logical shards of the orders data, and the one a user's data lives on. */
public final class Shards {

  /**
   * How many logical shards there are. Fixed forever: every order id carries its shard, so changing
   * this would move stored data. Databases are added by moving shards between them ({@link
   * ShardMap#withMoved}), never by changing the count.
   */
  public static final int COUNT = 4096;

  /** The highest shard number. */
  public static final int MAX = COUNT - 1;

  /** Bits in a shard number: {@code 1 << BITS == COUNT}. */
  public static final int BITS = 12;

  private Shards() {}

  /**
   * The shard of a user: the top 12 bits of XXH64 (seed 0) of the user id's 16 bytes, most
   * significant first (the order of {@link UUID#toString()}).
   */
  public static int ofUser(UUID userId) {
    byte[] bytes = new byte[16];
    putBigEndian(bytes, 0, userId.getMostSignificantBits());
    putBigEndian(bytes, 8, userId.getLeastSignificantBits());
    return (int) (XxHash64.hash(bytes, 0) >>> (Long.SIZE - BITS));
  }

  /** {@code shard}, refused unless it is one of the shards (0 to 4095). */
  public static int check(int shard) {
    if (shard < 0 || shard > MAX) {
      throw new IllegalArgumentException(
          "No shard " + shard + ": shards are numbered 0 to " + MAX + ".");
    }
    return shard;
  }

  private static void putBigEndian(byte[] bytes, int at, long value) {
    for (int i = 0; i < 8; i++) {
      bytes[at + i] = (byte) (value >>> (56 - 8 * i));
    }
  }
}
