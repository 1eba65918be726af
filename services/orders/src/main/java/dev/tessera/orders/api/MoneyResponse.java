package dev.tessera.orders.api;

/**
 * An amount of money as the API shows it.
 *
 * @param amount in minor units (cents)
 * @param currency ISO-4217 code
 */
public record MoneyResponse(long amount, String currency) {}
