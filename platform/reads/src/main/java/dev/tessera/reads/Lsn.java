package dev.tessera.reads;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A PostgreSQL WAL position ({@code pg_lsn}, written {@code 16/B374D848}): what a client's
 * consistency token holds.
 *
 * @param value the 64-bit position, compared unsigned
 */
public record Lsn(long value) implements Comparable<Lsn> {

  private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

  /** The position in PostgreSQL's text form, or empty when {@code text} is not one. */
  public static Optional<Lsn> parse(String text) {
    if (text == null || !TEXT.matcher(text).matches()) {
      return Optional.empty();
    }
    int slash = text.indexOf('/');
    long high = Long.parseLong(text.substring(0, slash), 16);
    long low = Long.parseLong(text.substring(slash + 1), 16);
    return Optional.of(new Lsn((high << 32) | low));
  }

  /** Whether this position is at or past {@code other}. */
  public boolean atLeast(Lsn other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }
}
