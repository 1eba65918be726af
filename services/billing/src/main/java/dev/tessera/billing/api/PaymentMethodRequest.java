package dev.tessera.billing.api;

/**
 * Sets the account's payment method.
 *
 * @param token one of {@code tok_visa}, {@code tok_chargeDeclined}, {@code tok_insufficientFunds}
 */
public record PaymentMethodRequest(String token) {}
