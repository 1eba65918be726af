package dev.tessera.sharding;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Order ids that name their shard, so an order is found from its id alone: UUIDv8 (RFC 9562,
 * section 5.8) laid out, most significant bit first, as
 *
 * <pre>
 *  48 bits  Unix time in milliseconds when the id was made
 *   4 bits  version, 8
 *  12 bits  shard, 0 to 4095
 *   2 bits  variant, 0b10 (RFC 9562)
 *  62 bits  random
 * </pre>
 *
 * Ids made in a later millisecond sort after earlier ones by their string form, which is how
 * PostgreSQL compares {@code uuid}s (byte by byte), so an index on them grows at its end. Ids of
 * one millisecond are in no particular order.
 */
public final class ShardedIds {

  /**
   * One SecureRandom for every thread, as {@link UUID#randomUUID()} has: ids reach clients, and 62
   * unguessable bits keep one order's id from telling anything about another's, at a cost that the
   * database insert each id goes with dwarfs.
   */
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final long MAX_MILLIS = (1L << 48) - 1;
  private static final long VERSION_8 = 0x8000L;
  private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

  private ShardedIds() {}

  /** A new id on {@code shard}, stamped with the system clock. */
  public static UUID next(int shard) {
    return next(shard, Clock.systemUTC());
  }

  /** A new id on {@code shard} (0 to 4095), stamped with {@code clock}'s current millisecond. */
  public static UUID next(int shard, Clock clock) {
    Shards.check(shard);
    long millis = clock.millis();
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new IllegalArgumentException(
          "The clock reads "
              + Instant.ofEpochMilli(millis)
              + ": an order id holds 48 bits of Unix milliseconds, from 1970 to the year 10889.");
    }
    long mostSignificant = millis << 16 | VERSION_8 | shard;
    long leastSignificant = RANDOM.nextLong() >>> 2 | VARIANT_RFC;
    return new UUID(mostSignificant, leastSignificant);
  }

  /** The shard an id made by {@link #next} names; any other UUID is refused. */
  public static int shardOf(UUID id) {
    if (id.version() != 8 || id.variant() != 2) {
      throw new IllegalArgumentException(
          id
              + " is not a sharded id: its version is "
              + id.version()
              + " and its variant "
              + id.variant()
              + ", where a sharded id's are 8 and 2 (UUIDv8, RFC 9562).");
    }
    return (int) (id.getMostSignificantBits() & Shards.MAX);
  }
}
