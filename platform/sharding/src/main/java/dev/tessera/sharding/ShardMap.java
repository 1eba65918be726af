package dev.tessera.sharding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Which database holds each of the 4,096 shards: immutable, every shard in exactly one database.
 * Its text form, {@code 0-2047=orders,2048-4095=orders_2}, is what {@link #parse} reads and {@link
 * #toString} writes. Two maps are equal when they put every shard in the same database, however
 * their ranges were written: ranges are kept sorted, and adjacent ranges of one database merged.
 */
public final class ShardMap {

  private final List<ShardRange> ranges;

  /** The database of each shard, by shard number: what makes a lookup one array read. */
  private final String[] databaseOfShard;

  private ShardMap(String[] databaseOfShard) {
    this.databaseOfShard = databaseOfShard;
    List<ShardRange> merged = new ArrayList<>();
    int from = 0;
    for (int shard = 1; shard <= Shards.COUNT; shard++) {
      if (shard == Shards.COUNT || !databaseOfShard[shard].equals(databaseOfShard[from])) {
        merged.add(new ShardRange(from, shard - 1, databaseOfShard[from]));
        from = shard;
      }
    }
    this.ranges = List.copyOf(merged);
  }

  /**
   * The map of {@code ranges}, in any order; refused unless they cover every shard from 0 to 4095
   * once, with a message naming each gap and overlap.
   */
  public static ShardMap of(List<ShardRange> ranges) {
    List<ShardRange> sorted = new ArrayList<>(ranges);
    sorted.sort(
        Comparator.comparingInt(ShardRange::from).thenComparingInt(ShardRange::toInclusive));
    List<String> problems = new ArrayList<>();
    int next = 0;
    ShardRange furthest = null;
    for (ShardRange range : sorted) {
      if (range.from() > next) {
        problems.add("no database for " + shards(next, range.from() - 1));
      } else if (range.from() < next) {
        problems.add(
            shards(range.from(), Math.min(range.toInclusive(), next - 1))
                + " in both "
                + furthest
                + " and "
                + range);
      }
      if (range.toInclusive() >= next) {
        next = range.toInclusive() + 1;
        furthest = range;
      }
    }
    if (next < Shards.COUNT) {
      problems.add("no database for " + shards(next, Shards.MAX));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "A shard map must put each shard from 0 to 4095 in exactly one database: "
              + String.join("; ", problems)
              + ".");
    }
    String[] databaseOfShard = new String[Shards.COUNT];
    for (ShardRange range : sorted) {
      Arrays.fill(databaseOfShard, range.from(), range.toInclusive() + 1, range.database());
    }
    return new ShardMap(databaseOfShard);
  }

  /** The map of {@code ranges}, in any order, as {@link #of(List)}. */
  public static ShardMap of(ShardRange... ranges) {
    return of(List.of(ranges));
  }

  /**
   * The map written as comma-separated {@code FROM-TO=DATABASE} ranges, in any order, such as
   * {@code 0-2047=orders, 2048-4095=orders_2}; whitespace around any part is ignored.
   */
  public static ShardMap parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "An empty shard map: write ranges such as 0-2047=orders,2048-4095=orders_2.");
    }
    List<ShardRange> ranges = new ArrayList<>();
    for (String entry : text.split(",", -1)) {
      ranges.add(ShardRange.parse(entry));
    }
    return of(ranges);
  }

  /** Every shard in {@code database}: the map of a system with one orders database. */
  public static ShardMap single(String database) {
    return of(new ShardRange(0, Shards.MAX, database));
  }

  /** The database that holds {@code shard} (0 to 4095). */
  public String databaseOf(int shard) {
    return databaseOfShard[Shards.check(shard)];
  }

  /**
   * The database that holds a user's orders. Named apart from {@link #databaseOfOrder}, not an
   * overload: both take a UUID, and a user id passed for an order id would name a wrong database
   * without any error.
   */
  public String databaseOfUser(UUID userId) {
    return databaseOfShard[Shards.ofUser(userId)];
  }

  /** The database that holds an order, from the shard its id names ({@link ShardedIds}). */
  public String databaseOfOrder(UUID orderId) {
    return databaseOfShard[ShardedIds.shardOf(orderId)];
  }

  /** The databases, each once, in the order of the first shard each holds. */
  public List<String> databases() {
    LinkedHashSet<String> databases = new LinkedHashSet<>();
    ranges.forEach(range -> databases.add(range.database()));
    return List.copyOf(databases);
  }

  /** The ranges, sorted, with adjacent ranges of one database merged. */
  public List<ShardRange> ranges() {
    return ranges;
  }

  /** The ranges {@code database} holds, sorted; none for a database the map does not name. */
  public List<ShardRange> rangesOf(String database) {
    return ranges.stream().filter(range -> range.database().equals(database)).toList();
  }

  /**
   * This map after the shards of {@code range} have moved from {@code range.database()}, which must
   * hold every one of them, to {@code toDatabase}; refused otherwise, so a move planned on an older
   * map does not take shards from a database that no longer holds them.
   */
  public ShardMap withMoved(ShardRange range, String toDatabase) {
    ShardRange.checkDatabase(toDatabase);
    List<String> elsewhere = new ArrayList<>();
    for (ShardRange held : ranges) {
      int from = Math.max(held.from(), range.from());
      int to = Math.min(held.toInclusive(), range.toInclusive());
      if (from <= to && !held.database().equals(range.database())) {
        elsewhere.add(shards(from, to) + " in " + held.database());
      }
    }
    if (!elsewhere.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot move "
              + range
              + " to "
              + toDatabase
              + ": not all in "
              + range.database()
              + " ("
              + String.join(", ", elsewhere)
              + ").");
    }
    if (toDatabase.equals(range.database())) {
      throw new IllegalArgumentException(
          "Cannot move " + range + " to " + toDatabase + ": it is there already.");
    }
    String[] moved = databaseOfShard.clone();
    Arrays.fill(moved, range.from(), range.toInclusive() + 1, toDatabase);
    return new ShardMap(moved);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ShardMap map && ranges.equals(map.ranges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ranges);
  }

  /** The ranges as {@link #parse} reads them: {@code 0-2047=orders,2048-4095=orders_2}. */
  @Override
  public String toString() {
    return String.join(",", ranges.stream().map(ShardRange::toString).toList());
  }

  private static String shards(int from, int to) {
    return from == to ? "shard " + from : "shards " + from + "-" + to;
  }
}
