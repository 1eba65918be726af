package dev.tessera.billing.provider;

import java.util.Objects;

/**
 * One charge.
 *
 * @param idempotencyKey the same for every attempt, instance and replay of one order's charge:
 *     {@code order-<orderId>}
 * @param paymentMethod the test token to charge
 * @param amount in minor units
 * @param currency ISO-4217 code
 * @param reference what the charge is for, shown on the provider's side: the order id
 */
public record ChargeRequest(
    String idempotencyKey, String paymentMethod, long amount, String currency, String reference) {

  /** Requires every field. */
  public ChargeRequest {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(paymentMethod, "paymentMethod");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(reference, "reference");
  }
}
