package dev.tessera.billing.domain;

import java.util.Objects;

/**
 * One line of an invoice, priced as the customer saw it when ordering.
 *
 * @param sku the product
 * @param name the product's name at the time of the order
 * @param quantity how many, at least one
 * @param unitAmount price of one unit in minor units
 */
public record InvoiceLine(String sku, String name, int quantity, long unitAmount) {

  /** Rejects lines that no order can have. */
  public InvoiceLine {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(name, "name");
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be positive: " + quantity);
    }
    if (unitAmount < 0) {
      throw new IllegalArgumentException("unitAmount must not be negative: " + unitAmount);
    }
  }

  /** Quantity times unit price; fails rather than wrap around on overflow. */
  public long amount() {
    return Math.multiplyExact(unitAmount, (long) quantity);
  }
}
