package dev.tessera.notifications.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.notifications.domain.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(15), 5);

  @Test
  void the_delay_doubles_after_each_failed_attempt_up_to_the_cap() {
    assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(80));
    assertThat(policy.delayAfter(10)).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.delayAfter(1000)).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void attempts_are_bounded() {
    assertThat(policy.mayRetryAfter(4)).isTrue();
    assertThat(policy.mayRetryAfter(5)).isFalse();
  }

  @Test
  void nonsensical_bounds_are_refused() {
    // A zero delay, a cap below the first delay, and no attempt at all.
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
