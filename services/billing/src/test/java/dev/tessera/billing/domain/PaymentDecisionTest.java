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
  void a_pending_payment_the_provider_was_already_called_for_is_checked_for_a_refund_on_cancel() {
    // The call may have taken the money without billing hearing the answer.
    assertThat(PaymentStatus.PENDING.onOrderCancelled(true))
        .isEqualTo(PaymentStatus.REFUND_PENDING);
    assertThat(decide(PaymentStatus.REFUND_PENDING, new ChargeOutcome.Approved("ch_4"), 1))
        .isEqualTo(new PaymentDecision.RefundCharge("ch_4"));
  }

  @Test
  void an_outcome_for_a_payment_another_attempt_already_settled_changes_nothing() {
    for (PaymentStatus settled :
        new PaymentStatus[] {
          PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.REFUNDED
        }) {
      assertThat(decide(settled, new ChargeOutcome.Approved("ch_3"), 1))
          .isEqualTo(new PaymentDecision.Ignore());
    }
  }

  @Test
  void cancelling_an_order_cancels_an_unpaid_payment_and_refunds_a_paid_one() {
    assertThat(PaymentStatus.PENDING.onOrderCancelled(false)).isEqualTo(PaymentStatus.CANCELLED);
    assertThat(PaymentStatus.SUCCEEDED.onOrderCancelled(true))
        .isEqualTo(PaymentStatus.REFUND_PENDING);
    assertThat(PaymentStatus.FAILED.onOrderCancelled(true)).isEqualTo(PaymentStatus.FAILED);
    assertThat(PaymentStatus.REFUNDED.onOrderCancelled(true)).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(PaymentStatus.CANCELLED.needsProvider()).isFalse();
    assertThat(PaymentStatus.REFUND_PENDING.needsProvider()).isTrue();
  }

  private PaymentDecision decide(PaymentStatus status, ChargeOutcome outcome, int attempts) {
    return PaymentDecision.decide(status, outcome, attempts, policy);
  }
}
