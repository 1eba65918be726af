package dev.tessera.contracts.billing;

import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.Money;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A payment was refunded because its paid order was cancelled.
 *
 * @param paymentId the refunded payment
 * @param orderId the cancelled order
 * @param userId the customer
 * @param amount what was paid back
 * @param refundId the refund billing recorded
 * @param refundedAt when the refund was made
 */
public record PaymentRefunded(
    UUID paymentId, UUID orderId, UUID userId, Money amount, UUID refundId, Instant refundedAt)
    implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public PaymentRefunded {
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(refundId, "refundId");
    Objects.requireNonNull(refundedAt, "refundedAt");
  }

  @Override
  public String aggregateId() {
    return paymentId.toString();
  }
}
