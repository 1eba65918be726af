package dev.tessera.orders.domain;

/**
 * One line of an order with the product's name and price at the time of ordering.
 *
 * @param sku the product
 * @param name its name when ordered
 * @param quantity how many, within {@link OrderRules#MIN_QUANTITY} and {@link
 *     OrderRules#MAX_QUANTITY}
 * @param unitPrice the price of one unit when ordered
 */
public record PricedLine(String sku, String name, int quantity, Price unitPrice) {

  /** What the line costs. */
  public Price lineTotal() {
    return unitPrice.times(quantity);
  }
}
