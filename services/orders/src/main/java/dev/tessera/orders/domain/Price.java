package dev.tessera.orders.domain;

import java.util.Objects;

/**
 * An amount of money in minor units (cents) and its ISO-4217 currency.
 *
 * @param amount minor units, never negative
 * @param currency three upper-case letters, e.g. {@code EUR}
 */
public record Price(long amount, String currency) {

  /** Checks that the amount is not negative and the currency is a three-letter code. */
  public Price {
    Objects.requireNonNull(currency, "currency");
    if (amount < 0) {
      throw new IllegalArgumentException("amount must not be negative: " + amount);
    }
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException("not an ISO-4217 currency: " + currency);
    }
  }

  /** This price {@code quantity} times; fails rather than overflow. */
  public Price times(int quantity) {
    return new Price(Math.multiplyExact(amount, (long) quantity), currency);
  }

  /** The sum of this and {@code other}, which must be in the same currency. */
  public Price plus(Price other) {
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException("cannot add " + other.currency + " to " + currency);
    }
    return new Price(Math.addExact(amount, other.amount), currency);
  }
}
