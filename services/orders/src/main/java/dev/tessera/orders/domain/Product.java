package dev.tessera.orders.domain;

/**
 * A product of the catalog.
 *
 * @param sku its stock-keeping unit
 * @param name what customers see
 * @param price the price of one unit
 */
public record Product(String sku, String name, Price price) {}
