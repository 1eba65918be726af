package dev.tessera.contracts.billing;

import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.Money;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An order could not be charged: orders cancels it.
 *
 * @param paymentId the failed payment
 * @param orderId the order it was for
 * @param userId the customer
 * @param amount what billing tried to charge
 * @param reason one of {@link #CARD_DECLINED}, {@link #INSUFFICIENT_FUNDS}, {@link
 *     #PROVIDER_UNAVAILABLE}
 * @param failedAt when billing gave up
 */
public record PaymentFailed(
    UUID paymentId, UUID orderId, UUID userId, Money amount, String reason, Instant failedAt)
    implements IntegrationEvent {

  /** The provider declined the card. */
  public static final String CARD_DECLINED = "card_declined";

  /** The card has too little money on it. */
  public static final String INSUFFICIENT_FUNDS = "insufficient_funds";

  /** The provider could not be reached, even after retries. */
  public static final String PROVIDER_UNAVAILABLE = "provider_unavailable";

  /**
   * Checks the rules its schema states, so a producer cannot write what consumers reject. The
   * reason is not checked against the schema's enum: a consumer built before a new code was added
   * must still read the event.
   */
  public PaymentFailed {
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(failedAt, "failedAt");
    if (reason.isEmpty()) {
      throw new IllegalArgumentException("reason must not be empty");
    }
  }

  @Override
  public String aggregateId() {
    return paymentId.toString();
  }
}
