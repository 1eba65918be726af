package dev.tessera.billing.domain;

/** Where a payment is in its life. */
public enum PaymentStatus {
  /** Recorded, not yet charged: the provider is called now or by the retry job. */
  PENDING,
  /** Charged and invoiced. */
  SUCCEEDED,
  /** Declined, or given up after the provider stayed unavailable. */
  FAILED,
  /** The order was cancelled before it was charged: it never will be. */
  CANCELLED,
  /** Charged, then the order was cancelled: the money goes back, now or by the retry job. */
  REFUND_PENDING,
  /** Charged and paid back. */
  REFUNDED;

  /** Whether the provider still has work to do for a payment in this state. */
  public boolean needsProvider() {
    return this == PENDING || this == REFUND_PENDING;
  }

  /**
   * What cancelling the order does to a payment in this state. A pending payment the provider was
   * already called for may have been charged without billing hearing the answer (a timeout): it
   * goes to {@link #REFUND_PENDING}, where billing asks the provider and refunds only what was
   * taken.
   */
  public PaymentStatus onOrderCancelled(boolean providerCalled) {
    return switch (this) {
      case PENDING -> providerCalled ? REFUND_PENDING : CANCELLED;
      case SUCCEEDED -> REFUND_PENDING;
      default -> this;
    };
  }
}
