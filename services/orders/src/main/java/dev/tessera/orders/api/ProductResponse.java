package dev.tessera.orders.api;

/**
 * A product of {@code GET /api/orders/catalog}.
 *
 * @param sku what to order it by
 * @param name its name
 * @param price the price of one unit
 */
public record ProductResponse(String sku, String name, MoneyResponse price) {}
