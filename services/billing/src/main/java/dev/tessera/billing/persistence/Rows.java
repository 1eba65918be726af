package dev.tessera.billing.persistence;

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
}
