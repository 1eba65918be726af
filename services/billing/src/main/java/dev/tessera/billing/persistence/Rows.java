package dev.tessera.billing.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Conversions of native query results, whose Java types depend on the driver. */
final class Rows {

  private Rows() {}

  static UUID uuid(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof UUID u ? u : UUID.fromString(value.toString());
  }

  static Instant instant(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (value instanceof Timestamp t) {
      return t.toInstant();
    }
    if (value instanceof LocalDateTime l) {
      // timestamptz without its offset: the driver hands it over in UTC.
      return l.toInstant(ZoneOffset.UTC);
    }
    throw new IllegalArgumentException("not a timestamp: " + value.getClass());
  }
}
