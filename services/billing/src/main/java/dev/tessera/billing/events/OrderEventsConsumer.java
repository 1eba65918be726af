package dev.tessera.billing.events;

import dev.tessera.billing.payments.OrderPayments;
import dev.tessera.billing.payments.PaymentProcessor;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.ReceivedEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Consumes orders.order.events (group {@code billing}): a placed order becomes a pending payment, a
 * cancelled one stops its charge or is refunded. The provider is called after the event's
 * transaction has committed, never inside it.
 */
@ApplicationScoped
public class OrderEventsConsumer {

  /** Inbox consumer name: keys the de-duplication rows, so it never changes. */
  public static final String CONSUMER = "billing-orders";

  private final IdempotentConsumer consumer;
  private final OrderPayments orderPayments;
  private final PaymentProcessor processor;
  private final EventHandlers handlers;

  OrderEventsConsumer(
      IdempotentConsumer consumer, OrderPayments orderPayments, PaymentProcessor processor) {
    this.consumer = consumer;
    this.orderPayments = orderPayments;
    this.processor = processor;
    this.handlers =
        EventHandlers.consumer(CONSUMER)
            .on(EventTypes.ORDER_PLACED, this::placed)
            .on(EventTypes.ORDER_CANCELLED, this::cancelled)
            .build();
  }

  @Incoming("orders-events")
  Uni<Void> onOrderEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, handlers).call(() -> settle(record));
  }

  private Uni<Void> placed(Mutiny.Session session, ReceivedEvent<OrderPlaced> event) {
    return orderPayments.orderPlaced(session, event.payload());
  }

  private Uni<Void> cancelled(Mutiny.Session session, ReceivedEvent<OrderCancelled> event) {
    return orderPayments.orderCancelled(session, event.payload());
  }

  /**
   * Charges (or refunds) the order now that its payment is committed. A redelivery finds nothing
   * due; what fails stays queued for the retry job.
   */
  private Uni<Void> settle(ConsumerRecord<String, String> record) {
    Header type = record.headers().lastHeader(EventHeaders.EVENT_TYPE);
    if (type == null || record.key() == null) {
      return Uni.createFrom().voidItem();
    }
    String name = new String(type.value(), StandardCharsets.UTF_8);
    if (!name.equals(EventTypes.ORDER_PLACED.name())
        && !name.equals(EventTypes.ORDER_CANCELLED.name())) {
      return Uni.createFrom().voidItem();
    }
    UUID orderId;
    try {
      orderId = UUID.fromString(record.key());
    } catch (IllegalArgumentException e) {
      return Uni.createFrom().voidItem();
    }
    return processor.processOrder(orderId);
  }
}
