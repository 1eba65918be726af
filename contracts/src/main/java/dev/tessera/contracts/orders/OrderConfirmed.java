package dev.tessera.contracts.orders;

import dev.tessera.contracts.IntegrationEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An order was paid and is confirmed.
 *
 * @param orderId the confirmed order
 * @param userId the customer
 * @param paymentId the payment that paid it
 * @param confirmedAt when the order was confirmed
 */
public record OrderConfirmed(UUID orderId, UUID userId, UUID paymentId, Instant confirmedAt)
    implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public OrderConfirmed {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(confirmedAt, "confirmedAt");
  }

  @Override
  public String aggregateId() {
    return orderId.toString();
  }
}
