package dev.tessera.billing.api;

/**
 * An amount of money in an API answer.
 *
 * @param amount in minor units (cents)
 * @param currency ISO-4217 code
 */
public record Amount(long amount, String currency) {}
