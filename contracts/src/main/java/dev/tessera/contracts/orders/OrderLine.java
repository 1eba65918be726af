package dev.tessera.contracts.orders;

import dev.tessera.contracts.Money;
import java.util.Objects;

/**
 * One line of an order, with the name and price the customer saw when ordering.
 *
 * @param sku the product's stock-keeping unit
 * @param name the product's name at the time of the order
 * @param quantity how many, at least one
 * @param unitPrice price of one unit at the time of the order
 */
public record OrderLine(String sku, String name, int quantity, Money unitPrice) {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public OrderLine {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unitPrice, "unitPrice");
    if (sku.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException("sku and name must not be empty");
    }
    if (quantity <= 0) {
      throw new IllegalArgumentException("quantity must be positive: " + quantity);
    }
  }
}
