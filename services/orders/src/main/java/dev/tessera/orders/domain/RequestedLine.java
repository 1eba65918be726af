package dev.tessera.orders.domain;

/**
 * One line of an order as the customer asked for it, not yet checked: either part may be missing.
 *
 * @param sku the product asked for
 * @param quantity how many
 */
public record RequestedLine(String sku, Integer quantity) {}
