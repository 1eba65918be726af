package dev.tessera.contracts;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An amount of money in minor units (cents), so that no amount is ever a binary fraction.
 *
 * @param amount amount in minor units, never negative
 * @param currency ISO-4217 code: three upper-case letters, e.g. {@code EUR}
 */
public record Money(long amount, String currency) {

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  /** Checks the same rules as the {@code Money} definition of the schemas. */
  public Money {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must not be negative: " + amount);
    }
    Objects.requireNonNull(currency, "currency");
    if (!CURRENCY.matcher(currency).matches()) {
      throw new IllegalArgumentException(
          "currency must be an ISO-4217 code of three upper-case letters: " + currency);
    }
  }
}
