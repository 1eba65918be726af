package dev.tessera.orders.domain;

/**
 * One thing wrong with a request, named by its path in the request body.
 *
 * @param field e.g. {@code items[2].quantity}
 * @param message what is wrong with it
 */
public record FieldViolation(String field, String message) {}
