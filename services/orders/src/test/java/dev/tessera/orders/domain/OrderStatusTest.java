package dev.tessera.orders.domain;

import static dev.tessera.orders.domain.OrderStatus.CANCELLED;
import static dev.tessera.orders.domain.OrderStatus.CONFIRMED;
import static dev.tessera.orders.domain.OrderStatus.PENDING_PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderStatusTest {

  @ParameterizedTest(name = "{0} may become {1}")
  @CsvSource({
    "PENDING_PAYMENT, CONFIRMED",
    "PENDING_PAYMENT, CANCELLED",
    "CONFIRMED, CANCELLED",
  })
  void allowed_moves_reach_their_target(OrderStatus from, OrderStatus to) {
    assertThat(from.canMoveTo(to)).isTrue();
    assertThat(from.moveTo(to)).isEqualTo(to);
  }

  @ParameterizedTest(name = "{0} may not become {1}")
  @CsvSource({
    "PENDING_PAYMENT, PENDING_PAYMENT",
    "CONFIRMED, PENDING_PAYMENT",
    "CONFIRMED, CONFIRMED",
    "CANCELLED, PENDING_PAYMENT",
    "CANCELLED, CONFIRMED",
    "CANCELLED, CANCELLED",
  })
  void every_other_move_is_refused_naming_both_states(OrderStatus from, OrderStatus to) {
    assertThat(from.canMoveTo(to)).isFalse();
    assertThatThrownBy(() -> from.moveTo(to))
        .isInstanceOfSatisfying(
            IllegalTransitionException.class,
            e -> {
              assertThat(e.from()).isEqualTo(from);
              assertThat(e.to()).isEqualTo(to);
            });
  }

  @Test
  void a_state_a_newer_release_wrote_reads_as_unknown_and_allows_no_move() {
    assertThat(OrderStatus.read("SHIPPED")).isEqualTo(OrderStatus.UNKNOWN);
    assertThat(OrderStatus.read("UNKNOWN")).isEqualTo(OrderStatus.UNKNOWN);
    assertThat(OrderStatus.read("CONFIRMED")).isEqualTo(CONFIRMED);
    assertThat(OrderStatus.UNKNOWN.next()).isEmpty();
    for (OrderStatus known : OrderStatus.values()) {
      assertThat(known.canMoveTo(OrderStatus.UNKNOWN)).isFalse();
    }
  }

  @Test
  void a_cancelled_order_is_final() {
    assertThat(CANCELLED.next()).isEmpty();
  }

  @Test
  void a_pending_order_can_be_paid_or_cancelled_and_a_paid_one_only_cancelled() {
    assertThat(PENDING_PAYMENT.next()).containsExactlyInAnyOrder(CONFIRMED, CANCELLED);
    assertThat(CONFIRMED.next()).containsExactly(CANCELLED);
  }
}
