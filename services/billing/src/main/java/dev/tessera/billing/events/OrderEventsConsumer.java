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
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Consumes orders.order.events (group {@code billing}): a placed order becomes a pending payment, a
 * cancelled one stops its charge or is refunded. The provider is called after the event's
 * transaction has committed, never inside it.
 *
 * <p>The provider work runs behind the consumer: once the event's transaction has committed, the
 * payment is durable and due, so the consumer goes on with the next record while the charge of this
 * one is made. Records arrive one at a time per partition, and the three transactions and the
 * provider call of each charge would otherwise cap the saga at one charge per ~10–15 ms. Up to
 * {@link #SETTLING_BEHIND} charges run behind; beyond that the consumer waits for the one it
 * started, so a backlog never piles more calls on the provider than its bulkhead admits.
 */
@ApplicationScoped
@Startup
public class OrderEventsConsumer {

  /** Inbox consumer name: keys the de-duplication rows, so it never changes. */
  public static final String CONSUMER = "billing-orders";

  /** Charges (or refunds) that may still run while the consumer takes the next records. */
  static final int SETTLING_BEHIND = 16;

  private static final Logger LOG = Logger.getLogger(OrderEventsConsumer.class);

  private final AtomicInteger settling = new AtomicInteger();

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
    consumer.register(handlers);
  }

  @Incoming("orders-events")
  Uni<Void> onOrderEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, handlers).call(() -> settleBehind(record));
  }

  /**
   * Starts the settlement of the record's order and, unless {@link #SETTLING_BEHIND} are already
   * running, returns at once. Safe because nothing is lost if the settlement never finishes (a
   * crash, a shutdown): the payment stays due in the database and the retry job takes it, and the
   * claim's lease keeps the job and this from charging it twice.
   */
  private Uni<Void> settleBehind(ConsumerRecord<String, String> record) {
    Uni<Void> settle = settle(record).onTermination().invoke(settling::decrementAndGet);
    if (settling.incrementAndGet() > SETTLING_BEHIND) {
      return settle;
    }
    settle
        .subscribe()
        .with(
            ignored -> {},
            // processOrder never fails; a failure here is a bug, and the retry job still settles.
            failure -> LOG.warnf("settling %s failed: %s", record.key(), failure.toString()));
    return Uni.createFrom().voidItem();
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
