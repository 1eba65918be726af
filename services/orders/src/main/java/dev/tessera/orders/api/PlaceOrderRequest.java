package dev.tessera.orders.api;

import java.util.List;

/**
 * Body of {@code POST /api/orders}.
 *
 * @param items the lines: 1 to 20, each SKU at most once
 */
public record PlaceOrderRequest(List<Item> items) {

  /**
   * One line asked for.
   *
   * @param sku a product of the catalog
   * @param quantity 1 to 100
   */
  public record Item(String sku, Integer quantity) {}
}
