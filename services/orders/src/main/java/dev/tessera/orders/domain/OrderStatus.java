package dev.tessera.orders.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of an order and the only moves between them: {@code PENDING_PAYMENT → CONFIRMED |
 * CANCELLED}, {@code CONFIRMED → CANCELLED} (billing refunds it). {@code CANCELLED} is final.
 *
 * <p>{@link #UNKNOWN} is how this release reads a state that a newer release wrote (version skew,
 * docs/upgrades.md): shown as {@code UNKNOWN}, never written, and no move leads from or to it.
 */
public enum OrderStatus {
  PENDING_PAYMENT,
  CONFIRMED,
  CANCELLED,
  /** A state this release does not know, written by a newer one. */
  UNKNOWN;

  /** The state stored as {@code name}; {@link #UNKNOWN} for a name this release does not know. */
  public static OrderStatus read(String name) {
    for (OrderStatus status : values()) {
      if (status != UNKNOWN && status.name().equals(name)) {
        return status;
      }
    }
    return UNKNOWN;
  }

  /** The states this one may move to. */
  public Set<OrderStatus> next() {
    return switch (this) {
      case PENDING_PAYMENT -> EnumSet.of(CONFIRMED, CANCELLED);
      case CONFIRMED -> EnumSet.of(CANCELLED);
      case CANCELLED, UNKNOWN -> EnumSet.noneOf(OrderStatus.class);
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
