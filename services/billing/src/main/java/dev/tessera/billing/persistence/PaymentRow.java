package dev.tessera.billing.persistence;

import dev.tessera.billing.domain.PaymentStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * A payment as the processor needs it.
 *
 * @param id the payment, also the provider's idempotency key
 * @param orderId the order it pays
 * @param userId the customer
 * @param amount in minor units
 * @param currency ISO-4217 code
 * @param status where it is
 * @param attempts provider calls claimed so far, this one included
 * @param paymentMethod the token charged (the account's at the time of the attempt)
 * @param providerChargeId the provider's charge, once charged
 * @param lastChargeAt when billing last called the provider to charge it; null if never
 */
public record PaymentRow(
    UUID id,
    UUID orderId,
    UUID userId,
    long amount,
    String currency,
    PaymentStatus status,
    int attempts,
    String paymentMethod,
    String providerChargeId,
    Instant lastChargeAt) {

  static final String COLUMNS =
      "id, order_id, user_id, amount, currency, status, attempts, payment_method,"
          + " provider_charge_id, last_charge_at";

  static PaymentRow of(Object row) {
    Object[] r = (Object[]) row;
    return new PaymentRow(
        Rows.uuid(r[0]),
        Rows.uuid(r[1]),
        Rows.uuid(r[2]),
        ((Number) r[3]).longValue(),
        (String) r[4],
        PaymentStatus.valueOf((String) r[5]),
        ((Number) r[6]).intValue(),
        (String) r[7],
        (String) r[8],
        Rows.instant(r[9]));
  }
}
