package dev.tessera.orders.events;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.NotUnderstoodYet;
import dev.tessera.eventing.inbox.ReceivedEvent;
import dev.tessera.orders.domain.CancellationReason;
import dev.tessera.orders.domain.IllegalTransitionException;
import dev.tessera.orders.domain.OrderStatus;
import dev.tessera.orders.persistence.OrderEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The orders side of the saga: billing's payment results confirm or cancel orders.
 *
 * <p>An event for an order this service does not have, or one its state machine refuses (a payment
 * that succeeded for an order the customer cancelled meanwhile), is logged and skipped: the inbox
 * still records it, so it is not retried, dead-lettered or looped over. Retrying could not make it
 * apply. An order in a state this release does not know ({@code UNKNOWN}: a newer release wrote it)
 * is another matter: the event is parked for the release that knows what to do with it.
 */
@ApplicationScoped
@Startup
public class PaymentEventsConsumer {

  /** Keys this consumer's rows in the inbox: never rename it. */
  public static final String CONSUMER = "orders-payments";

  private static final Logger LOG = Logger.getLogger(PaymentEventsConsumer.class);

  private final IdempotentConsumer consumer;
  private final OrderEvents events;
  private final OrderChanges reads;
  private final MeterRegistry meters;
  private final EventHandlers handlers =
      EventHandlers.consumer(CONSUMER)
          // Each payment and user event names its user: applied where the user's shard is.
          .routedByUser("userId")
          .on(EventTypes.PAYMENT_SUCCEEDED, this::onPaymentSucceeded)
          .on(EventTypes.PAYMENT_FAILED, this::onPaymentFailed)
          .afterCommit(this::forgetChangedOrder)
          .build();

  PaymentEventsConsumer(
      IdempotentConsumer consumer, OrderEvents events, OrderChanges reads, MeterRegistry meters) {
    this.consumer = consumer;
    this.reads = reads;
    this.events = events;
    this.meters = meters;
    consumer.register(handlers);
  }

  @Incoming("billing-events")
  Uni<Void> onBillingEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, handlers);
  }

  /** Once the change has committed, every instance forgets the order's cached reads. */
  private Uni<Void> forgetChangedOrder(ReceivedEvent<?> event) {
    if (event.payload() instanceof PaymentSucceeded payment) {
      return reads.changed(payment.orderId(), payment.userId());
    }
    if (event.payload() instanceof PaymentFailed payment) {
      return reads.changed(payment.orderId(), payment.userId());
    }
    return Uni.createFrom().voidItem();
  }

  private Uni<Void> onPaymentSucceeded(
      Mutiny.Session session, ReceivedEvent<PaymentSucceeded> event) {
    PaymentSucceeded payment = event.payload();
    return apply(
        session,
        event,
        payment.orderId(),
        payment.userId(),
        order -> {
          Instant at = now();
          order.confirm(payment.paymentId(), at);
          return events.confirmed(session, order).invoke(() -> settled(order, "confirmed", at));
        });
  }

  private Uni<Void> onPaymentFailed(Mutiny.Session session, ReceivedEvent<PaymentFailed> event) {
    PaymentFailed payment = event.payload();
    return apply(
        session,
        event,
        payment.orderId(),
        payment.userId(),
        order -> {
          Instant at = now();
          order.cancel(CancellationReason.PAYMENT_FAILED, at);
          return events.cancelled(session, order).invoke(() -> settled(order, "cancelled", at));
        });
  }

  private Uni<Void> apply(
      Mutiny.Session session,
      ReceivedEvent<?> event,
      UUID orderId,
      UUID userId,
      Function<OrderEntity, Uni<Void>> change) {
    return session
        .find(OrderEntity.class, orderId)
        .chain(
            order -> {
              if (order == null || !order.userId.equals(userId)) {
                return skip(event, "order " + orderId + " of user " + userId + " is not known");
              }
              try {
                return change.apply(order).invoke(() -> count(event, "applied"));
              } catch (IllegalTransitionException e) {
                if (e.from() == OrderStatus.UNKNOWN) {
                  throw new NotUnderstoodYet(
                      "order " + orderId + " is in a state this release does not know");
                }
                return skip(event, "order " + orderId + " is " + e.from() + ": " + e.getMessage());
              }
            });
  }

  private Uni<Void> skip(ReceivedEvent<?> event, String why) {
    LOG.warnf("skipped %s %s: %s", event.type().name(), event.id(), why);
    count(event, "skipped");
    return Uni.createFrom().voidItem();
  }

  private void count(ReceivedEvent<?> event, String outcome) {
    meters
        .counter("orders.payment.events", "type", event.type().name(), "outcome", outcome)
        .increment();
  }

  /**
   * The order-confirmation SLI (docs/slo.md): from the order's {@code createdAt} (its POST) to the
   * payment outcome applied here, by outcome. Its buckets include the objective's 5 s exactly.
   * Recorded when the transaction's work is done; a transaction that then fails to commit is
   * retried and records again, which only errs on the slow side.
   */
  private void settled(OrderEntity order, String outcome, Instant at) {
    Duration elapsed = Duration.between(order.createdAt, at);
    Timer.builder("tessera.orders.confirmation")
        .description("Seconds from an order's placement to the payment outcome that settles it")
        .tag("outcome", outcome)
        .serviceLevelObjectives(CONFIRMATION_BUCKETS)
        .register(meters)
        .record(elapsed.isNegative() ? Duration.ZERO : elapsed);
  }

  private static final Duration[] CONFIRMATION_BUCKETS = {
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5)
  };

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
