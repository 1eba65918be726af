package dev.tessera.billing.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofSeconds(2), Duration.ofMinutes(5), 10, 0.2);

  @Test
  void the_delay_doubles_with_every_failed_attempt() {
    assertThat(policy.delayAfter(1, 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.delayAfter(2, 0)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.delayAfter(5, 0)).isEqualTo(Duration.ofSeconds(32));
  }

  @Test
  void the_delay_never_exceeds_the_maximum_even_after_very_many_attempts() {
    assertThat(policy.delayAfter(9, 0)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.delayAfter(1_000, 0)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.delayAfter(Integer.MAX_VALUE, 0.5))
        .isLessThanOrEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void jitter_only_shortens_the_delay_and_by_at_most_its_fraction() {
    assertThat(policy.delayAfter(3, 0.999))
        .isBetween(Duration.ofMillis(6400), Duration.ofSeconds(8));
    assertThat(policy.delayAfter(3, 0.5)).isEqualTo(Duration.ofMillis(7200));
  }

  @Test
  void a_charge_is_exhausted_at_the_maximum_number_of_attempts() {
    assertThat(policy.exhausted(9)).isFalse();
    assertThat(policy.exhausted(10)).isTrue();
    assertThat(policy.exhausted(11)).isTrue();
  }

  @Test
  void a_policy_that_could_not_work_is_rejected() {
    // Bad input tried: zero backoff, a maximum below the initial delay, no attempts, jitter > 1.
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 3, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 3, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
