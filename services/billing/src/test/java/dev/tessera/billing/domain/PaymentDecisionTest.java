package dev.tessera.billing.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PaymentDecisionTest {

  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 3, 0);

  @Test
  void an_approved_charge_of_a_pending_payment_succeeds() {
    assertThat(decide(PaymentStatus.PENDING, new ChargeOutcome.Approved("ch_1"), 1))
        .isEqualTo(new PaymentDecision.Succeed("ch_1"));
  }

  @Test
  void a_decline_fails_the_payment_with_the_providers_reason_at_once() {
    assertThat(decide(PaymentStatus.PENDING, new ChargeOutcome.Declined("card_declined"), 1))
        .isEqualTo(new PaymentDecision.Fail("card_declined"));
  }

  @Test
  void an_unavailable_provider_is_retried_until_the_last_attempt_then_given_up() {
    assertThat(decide(PaymentStatus.PENDING, new ChargeOutcome.Unavailable("down"), 2))
        .isEqualTo(new PaymentDecision.RetryLater());
    assertThat(decide(PaymentStatus.PENDING, new ChargeOutcome.Unavailable("down"), 3))
        .isEqualTo(new PaymentDecision.Fail(PaymentDecision.PROVIDER_UNAVAILABLE));
  }

  @Test
  void a_charge_that_went_through_after_the_order_was_cancelled_is_refunded() {
    assertThat(decide(PaymentStatus.CANCELLED, new ChargeOutcome.Approved("ch_2"), 1))
        .isEqualTo(new PaymentDecision.RefundCharge("ch_2"));
    assertThat(decide(PaymentStatus.CANCELLED, new ChargeOutcome.Declined("card_declined"), 1))
        .isEqualTo(new PaymentDecision.Ignore());
  }

  @Test
  void a_charge_that_turns_up_for_a_failed_cancelled_or_refund_pending_payment_is_refunded() {
    // A call billing gave up on, or whose order was cancelled meanwhile, may still have charged.
    for (PaymentStatus status :
        new PaymentStatus[] {
          PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.REFUND_PENDING
        }) {
      assertThat(decide(status, new ChargeOutcome.Approved("ch_4"), 1))
          .isEqualTo(new PaymentDecision.RefundCharge("ch_4"));
      assertThat(decide(status, new ChargeOutcome.Unavailable("timeout"), 1))
          .isEqualTo(new PaymentDecision.Ignore());
    }
  }

  @Test
  void an_outcome_for_a_payment_another_attempt_already_settled_changes_nothing() {
    for (PaymentStatus settled :
        new PaymentStatus[] {PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED}) {
      assertThat(decide(settled, new ChargeOutcome.Approved("ch_3"), 1))
          .isEqualTo(new PaymentDecision.Ignore());
    }
  }

  @Test
  void cancelling_an_order_cancels_an_unpaid_payment_and_refunds_a_paid_one() {
    assertThat(PaymentStatus.PENDING.onOrderCancelled()).isEqualTo(PaymentStatus.CANCELLED);
    assertThat(PaymentStatus.SUCCEEDED.onOrderCancelled()).isEqualTo(PaymentStatus.REFUND_PENDING);
    assertThat(PaymentStatus.FAILED.onOrderCancelled()).isEqualTo(PaymentStatus.FAILED);
    assertThat(PaymentStatus.REFUNDED.onOrderCancelled()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(PaymentStatus.CANCELLED.needsProvider()).isFalse();
    assertThat(PaymentStatus.REFUND_PENDING.needsProvider()).isTrue();
  }

  private PaymentDecision decide(PaymentStatus status, ChargeOutcome outcome, int attempts) {
    return PaymentDecision.decide(status, outcome, attempts, policy);
  }
}
