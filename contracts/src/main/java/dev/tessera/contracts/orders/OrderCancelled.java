package dev.tessera.contracts.orders;

import dev.tessera.contracts.IntegrationEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An order was cancelled; if it had been paid, billing refunds it.
 *
 * @param orderId the cancelled order
 * @param userId the customer
 * @param reason a short machine code such as {@link #CUSTOMER_REQUEST} or {@link #PAYMENT_FAILED}
 * @param cancelledAt when the order was cancelled
 */
public record OrderCancelled(UUID orderId, UUID userId, String reason, Instant cancelledAt)
    implements IntegrationEvent {

  /** The customer cancelled the order. */
  public static final String CUSTOMER_REQUEST = "customer_request";

  /** Billing could not charge the order. */
  public static final String PAYMENT_FAILED = "payment_failed";

  /** No payment result came within the order saga's deadline. */
  public static final String PAYMENT_TIMEOUT = "payment_timeout";

  /**
   * Checks the rules its schema states, so a producer cannot write what consumers reject. The
   * reason is not checked against the known codes: a consumer built before a new code was added
   * must still read the event.
   */
  public OrderCancelled {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(cancelledAt, "cancelledAt");
    if (reason.isEmpty()) {
      throw new IllegalArgumentException("reason must not be empty");
    }
  }

  @Override
  public String aggregateId() {
    return orderId.toString();
  }
}
