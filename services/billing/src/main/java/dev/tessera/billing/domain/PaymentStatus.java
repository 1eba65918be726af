package dev.tessera.billing.domain;

/** Where a payment is in its life. */
public enum PaymentStatus {
  /** Recorded, not yet charged: the provider is called now or by the retry job. */
  PENDING,
  /** Charged and invoiced. */
  SUCCEEDED,
  /**
   * Declined, or given up after the provider stayed unavailable; a charge that turns up is
   * refunded.
   */
  FAILED,
  /**
   * The order was cancelled before it was charged (or before billing even saw it placed): it never
   * will be, and a charge that turns up is refunded.
   */
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
   * What cancelling the order does to a payment in this state: an unpaid one is cancelled, a paid
   * one refunded, a failed, cancelled or refunded one stays as it is.
   */
  public PaymentStatus onOrderCancelled() {
    return switch (this) {
      case PENDING -> CANCELLED;
      case SUCCEEDED -> REFUND_PENDING;
      default -> this;
    };
  }

  /**
   * Whether a payment in this state must not keep a charge it finds: a failed or cancelled payment
   * whose provider call went unanswered may still have been charged, and that money goes back.
   */
  public boolean refundsLateCharges() {
    return this == FAILED || this == CANCELLED || this == REFUND_PENDING;
  }
}
