package dev.tessera.orders.persistence;

/**
 * One order line as stored in {@code orders.lines}: a snapshot of the product when ordered.
 *
 * @param sku the product
 * @param name its name when ordered
 * @param quantity how many
 * @param unitAmount the price of one unit, in minor units of the order's currency
 */
public record StoredLine(String sku, String name, int quantity, long unitAmount) {}
