package dev.tessera.orders.domain;

/** An order was asked to move to a state its state machine does not allow from where it is. */
public class IllegalTransitionException extends RuntimeException {

  private final OrderStatus from;
  private final OrderStatus to;

  public IllegalTransitionException(OrderStatus from, OrderStatus to) {
    super("an order cannot move from " + from + " to " + to);
    this.from = from;
    this.to = to;
  }

  /** The state the order is in. */
  public OrderStatus from() {
    return from;
  }

  /** The state it was asked to move to. */
  public OrderStatus to() {
    return to;
  }
}
