package dev.tessera.orders.domain;

import java.util.List;

/**
 * The lines of a new order, priced from the catalog, and what it costs.
 *
 * @param lines in the order the customer gave them
 * @param total the sum of the lines
 */
public record PricedOrder(List<PricedLine> lines, Price total) {

  public PricedOrder {
    lines = List.copyOf(lines);
  }
}
