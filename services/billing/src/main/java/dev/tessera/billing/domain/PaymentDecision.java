package dev.tessera.billing.domain;

/** What billing does once a charge attempt has an outcome. */
public sealed interface PaymentDecision {

  /** Record the charge, issue the invoice, publish PaymentSucceeded. */
  record Succeed(String chargeId) implements PaymentDecision {}

  /** Record the failure, publish PaymentFailed with {@code reason}. */
  record Fail(String reason) implements PaymentDecision {}

  /** Leave the payment pending; the retry job tries again after the backoff. */
  record RetryLater() implements PaymentDecision {}

  /**
   * The order was cancelled, or the payment given up, while the charge was in flight and it went
   * through: pay it back.
   */
  record RefundCharge(String chargeId) implements PaymentDecision {}

  /** Nothing to do: another attempt already settled the payment. */
  record Ignore() implements PaymentDecision {}

  /** Reason of {@link Fail} once the provider stayed unavailable for every attempt. */
  String PROVIDER_UNAVAILABLE = "provider_unavailable";

  /**
   * Decides, from the payment's state when the outcome arrives (another replica or a cancellation
   * may have changed it meanwhile) and the attempts made so far.
   */
  static PaymentDecision decide(
      PaymentStatus current, ChargeOutcome outcome, int attempts, RetryPolicy policy) {
    if (current.refundsLateCharges()) {
      // Cancelled, or given up, while this charge was in flight: what it took goes back.
      return outcome instanceof ChargeOutcome.Approved approved
          ? new RefundCharge(approved.chargeId())
          : new Ignore();
    }
    if (current != PaymentStatus.PENDING) {
      return new Ignore();
    }
    if (outcome instanceof ChargeOutcome.Approved approved) {
      return new Succeed(approved.chargeId());
    }
    if (outcome instanceof ChargeOutcome.Declined declined) {
      return new Fail(declined.reason());
    }
    return policy.exhausted(attempts) ? new Fail(PROVIDER_UNAVAILABLE) : new RetryLater();
  }
}
