package dev.tessera.billing.events;

import dev.tessera.billing.payments.OrderPayments;
import dev.tessera.billing.payments.PaymentProcessor;
import dev.tessera.billing.persistence.PaymentRow;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.ReceivedEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * one is made. Records arrive one at a time per partition, and the transactions and the provider
 * call of each charge would otherwise cap the saga at one charge per ~10–15 ms. An OrderPlaced's
 * transaction records its payment already claimed for the first charge, so a charge takes two
 * transactions (that one and the outcome's), not three. Up to {@link #SETTLING_BEHIND} charges run
 * behind; beyond that the consumer waits for the one it started, so a backlog never piles more
 * calls on the provider than its bulkhead admits.
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

  // Payments an OrderPlaced's handler recorded claimed, by the event's id, until the step after
  // its commit charges them. A handler whose transaction then fails leaves its entry behind; no
  // other event ever finds it (a redelivery of the same event overwrites it before its commit).
  private final Map<UUID, Claimed> claimed = new ConcurrentHashMap<>();

  private record Claimed(PaymentRow payment, OffsetDateTime lease) {}

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
            .afterCommit(this::settleBehind)
            .build();
    consumer.register(handlers);
  }

  @Incoming("orders-events")
  Uni<Void> onOrderEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, handlers);
  }

  /**
   * Once an OrderPlaced or OrderCancelled is committed, starts the settlement of its order and,
   * unless {@link #SETTLING_BEHIND} are already running, returns at once. Safe because nothing is
   * lost if the settlement never finishes (a crash, a shutdown): the payment stays in the database
   * and the retry job takes it (a placed order's once the lease of the claim its transaction
   * recorded passes), and the claim's lease keeps the job and this from charging it twice. A
   * redelivered event, already applied, starts nothing: what it left due is the retry job's.
   */
  private Uni<Void> settleBehind(ReceivedEvent<?> event) {
    Uni<Void> work;
    UUID orderId;
    Claimed claim = claimed.remove(event.id());
    if (claim != null) {
      orderId = claim.payment().orderId();
      work = processor.settleClaimed(claim.payment(), claim.lease());
    } else if (event.payload() instanceof OrderCancelled cancelled) {
      orderId = cancelled.orderId();
      work = processor.processOrder(orderId);
    } else {
      // An OrderPlaced of an order that had a payment already: nothing new to charge.
      return Uni.createFrom().voidItem();
    }
    Uni<Void> settle = work.onTermination().invoke(settling::decrementAndGet);
    if (settling.incrementAndGet() > SETTLING_BEHIND) {
      return settle;
    }
    settle
        .subscribe()
        .with(
            ignored -> {},
            // processOrder never fails; a failure here is a bug, and the retry job still settles.
            failure -> LOG.warnf("settling %s failed: %s", orderId, failure.toString()));
    return Uni.createFrom().voidItem();
  }

  private Uni<Void> placed(Mutiny.Session session, ReceivedEvent<OrderPlaced> event) {
    OffsetDateTime lease = processor.newLease();
    return orderPayments
        .orderPlaced(session, event.payload(), lease)
        .invoke(payment -> payment.ifPresent(p -> claimed.put(event.id(), new Claimed(p, lease))))
        .onFailure()
        .invoke(() -> claimed.remove(event.id()))
        .replaceWithVoid();
  }

  private Uni<Void> cancelled(Mutiny.Session session, ReceivedEvent<OrderCancelled> event) {
    return orderPayments.orderCancelled(session, event.payload());
  }
}
