package dev.tessera.orders.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of an order and the only moves between them: {@code PENDING_PAYMENT → CONFIRMED |
 * CANCELLED}, {@code CONFIRMED → CANCELLED} (billing refunds it). {@code CANCELLED} is final.
 */
public enum OrderStatus {
  PENDING_PAYMENT,
  CONFIRMED,
  CANCELLED;

  /** The states this one may move to. */
  public Set<OrderStatus> next() {
    return switch (this) {
      case PENDING_PAYMENT -> EnumSet.of(CONFIRMED, CANCELLED);
      case CONFIRMED -> EnumSet.of(CANCELLED);
      case CANCELLED -> EnumSet.noneOf(OrderStatus.class);
    };
  }

  /** Whether an order in this state may move to {@code target}. */
  public boolean canMoveTo(OrderStatus target) {
    return next().contains(target);
  }

  /**
   * The state after moving to {@code target}.
   *
   * @throws IllegalTransitionException if the state machine does not allow that move
   */
  public OrderStatus moveTo(OrderStatus target) {
    if (!canMoveTo(target)) {
      throw new IllegalTransitionException(this, target);
    }
    return target;
  }
}
