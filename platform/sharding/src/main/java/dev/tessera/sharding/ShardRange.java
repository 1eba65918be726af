package dev.tessera.sharding;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consecutive shards, {@code from} to {@code toInclusive}, and the database that holds them;
 * written {@code 0-2047=orders}.
 *
 * @param from the first shard of the range, 0 to 4095
 * @param toInclusive the last shard of the range, {@code from} to 4095
 * @param database the database's name: a letter or {@code _}, then letters, digits, {@code _} or
 *     {@code -}, so that the text form of a {@link ShardMap} always reads back
 */
public record ShardRange(int from, int toInclusive, String database) {

  private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Pattern TEXT =
      Pattern.compile("\\s*(\\d{1,9})\\s*-\\s*(\\d{1,9})\\s*=\\s*(\\S*)\\s*");

  /** Refuses shards outside 0 to 4095, a range that ends before it starts, and a bad name. */
  public ShardRange {
    Shards.check(from);
    Shards.check(toInclusive);
    if (toInclusive < from) {
      throw new IllegalArgumentException(
          "The shard range " + from + "-" + toInclusive + " ends before it starts.");
    }
    checkDatabase(database);
  }

  /** The range written as {@code FROM-TO=DATABASE}, with any whitespace around its parts. */
  public static ShardRange parse(String text) {
    Matcher m = TEXT.matcher(Objects.requireNonNull(text, "text"));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a shard range: write FROM-TO=DATABASE, such as 0-2047=orders.");
    }
    return new ShardRange(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3));
  }

  /** Whether {@code shard} is in this range. */
  public boolean contains(int shard) {
    return from <= shard && shard <= toInclusive;
  }

  /** How many shards the range holds. */
  public int size() {
    return toInclusive - from + 1;
  }

  /** {@code FROM-TO=DATABASE}, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return from + "-" + toInclusive + "=" + database;
  }

  static String checkDatabase(String database) {
    if (database == null || !DATABASE.matcher(database).matches()) {
      throw new IllegalArgumentException(
          (database == null ? "No database name" : "'" + database + "' is not a database name")
              + ": a letter or _, then letters, digits, _ or -.");
    }
    return database;
  }
}
