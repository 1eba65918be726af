package dev.tessera.billing.provider;

import java.util.Objects;

/**
 * A full refund of a charge.
 *
 * @param idempotencyKey the same for every attempt of one refund
 * @param chargeId the charge to pay back
 * @param amount in minor units
 * @param currency ISO-4217 code
 */
public record RefundRequest(String idempotencyKey, String chargeId, long amount, String currency) {

  /** Requires every field. */
  public RefundRequest {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(chargeId, "chargeId");
    Objects.requireNonNull(currency, "currency");
  }
}
