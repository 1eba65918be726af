package dev.tessera.orders.domain;

/** Why an order was cancelled, with the machine code that events and responses carry. */
public enum CancellationReason {
  /** The customer cancelled it. */
  CUSTOMER_REQUEST("customer_request"),
  /** Billing could not charge it. */
  PAYMENT_FAILED("payment_failed"),
  /** No payment result came within the saga's deadline. */
  PAYMENT_TIMEOUT("payment_timeout");

  private final String code;

  CancellationReason(String code) {
    this.code = code;
  }

  /** The machine code, e.g. {@code customer_request}. */
  public String code() {
    return code;
  }
}
