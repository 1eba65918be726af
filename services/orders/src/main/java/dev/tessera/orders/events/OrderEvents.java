package dev.tessera.orders.events;

import dev.tessera.contracts.Money;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.contracts.orders.OrderLine;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.eventing.outbox.Outbox;
import dev.tessera.orders.persistence.OrderEntity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Records the integration events of an order's changes in the outbox, in the transaction of the
 * change: the event is published if and only if the change commits.
 */
@ApplicationScoped
public class OrderEvents {

  private final Outbox outbox;

  OrderEvents(Outbox outbox) {
    this.outbox = outbox;
  }

  /** {@code OrderPlaced} for a new order: billing charges its total. */
  public Uni<Void> placed(Mutiny.Session session, OrderEntity order) {
    var lines =
        order.lines.stream()
            .map(
                l ->
                    new OrderLine(
                        l.sku(), l.name(), l.quantity(), new Money(l.unitAmount(), order.currency)))
            .toList();
    return outbox
        .record(
            session,
            new OrderPlaced(
                order.id,
                order.userId,
                lines,
                new Money(order.totalAmount, order.currency),
                order.createdAt))
        .replaceWithVoid();
  }

  /** {@code OrderConfirmed} for an order that was just paid. */
  public Uni<Void> confirmed(Mutiny.Session session, OrderEntity order) {
    return outbox
        .record(
            session, new OrderConfirmed(order.id, order.userId, order.paymentId, order.updatedAt))
        .replaceWithVoid();
  }

  /** {@code OrderCancelled} for an order that was just cancelled, with its reason. */
  public Uni<Void> cancelled(Mutiny.Session session, OrderEntity order) {
    return outbox
        .record(
            session,
            new OrderCancelled(order.id, order.userId, order.cancelReason, order.updatedAt))
        .replaceWithVoid();
  }
}
