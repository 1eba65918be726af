package dev.tessera.contracts.orders;

import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.Money;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A customer placed an order, which now awaits payment: billing charges it.
 *
 * @param orderId the new order
 * @param userId the customer
 * @param items what was ordered, at least one line
 * @param total what billing must charge
 * @param placedAt when the order was placed
 */
public record OrderPlaced(
    UUID orderId, UUID userId, List<OrderLine> items, Money total, Instant placedAt)
    implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public OrderPlaced {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(placedAt, "placedAt");
    // Copied so that an event, once built, cannot change under the outbox writer's feet.
    items = List.copyOf(Objects.requireNonNull(items, "items"));
    if (items.isEmpty()) {
      throw new IllegalArgumentException("an order has at least one item");
    }
    // No check that total equals the sum of the lines: pricing (discounts, shipping) belongs to
    // orders, and a rule the schema cannot state would make schema-valid events unreadable.
  }

  @Override
  public String aggregateId() {
    return orderId.toString();
  }
}
