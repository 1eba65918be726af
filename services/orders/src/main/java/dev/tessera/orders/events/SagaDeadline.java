package dev.tessera.orders.events;

import dev.tessera.orders.OrdersConfig;
import dev.tessera.orders.domain.CancellationReason;
import dev.tessera.orders.persistence.OrderEntity;
import dev.tessera.sharding.ShardRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The saga's deadline: an order whose payment result has not come {@code
 * tessera.orders.saga.payment-deadline} after it was placed is cancelled with reason {@code
 * payment_timeout}, through the same OrderCancelled that billing acts on (it stops the charge, and
 * refunds one that turns up later).
 *
 * <p>Every replica runs it: {@code for update skip locked} hands each overdue order to one of them,
 * and the order's optimistic version makes a payment result arriving at the same moment either win
 * (the order is confirmed, then nothing is overdue) or lose (it is skipped as for any cancelled
 * order).
 */
@ApplicationScoped
public class SagaDeadline {

  private static final Logger LOG = Logger.getLogger(SagaDeadline.class);

  private static final String OVERDUE =
      // The entity's columns by name: with a star, a column a later migration adds (shard did)
      // fails the mapping, and the job with it.
      "select id, user_id, status, lines, total_amount, currency, created_at, updated_at,"
          + " payment_id, cancel_reason, version from orders o"
          + " where status = 'PENDING_PAYMENT' and created_at < :cutoff"
          // Not the rows of a shard moving away or gone (the fence would refuse the batch).
          + " and exists (select 1 from shard_lease l where l.shard = o.shard"
          + " and l.state = 'OWNED')"
          + " order by created_at limit :limit for update of o skip locked";

  private final Mutiny.SessionFactory sessionFactory;
  private final ShardRouter router;
  private final OrderEvents events;
  private final OrderChanges changes;
  private final OrdersConfig config;
  private final MeterRegistry meters;

  SagaDeadline(
      Mutiny.SessionFactory sessionFactory,
      ShardRouter router,
      OrderEvents events,
      OrderChanges changes,
      OrdersConfig config,
      MeterRegistry meters) {
    this.sessionFactory = sessionFactory;
    this.router = router;
    this.events = events;
    this.changes = changes;
    this.config = config;
    this.meters = meters;
    // Exists at 0 from the start: the order-confirmation SLI counts timeouts as bad events, and a
    // counter first seen at 1 would hide its first increase from Prometheus.
    meters.counter("orders.saga.timeouts");
  }

  @Scheduled(
      every = "${tessera.orders.saga.check-every:30S}",
      delayed = "${tessera.orders.saga.check-every:30S}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> cancelOverdueRegularly() {
    return cancelOverdue()
        .onFailure()
        .recoverWithItem(
            failure -> {
              // The next run tries again; nothing was half done (one transaction).
              LOG.warnf("could not cancel overdue orders: %s", failure.toString());
              return 0;
            })
        .replaceWithVoid();
  }

  /** Cancels up to a batch of overdue orders in one transaction per database; returns how many. */
  public Uni<Integer> cancelOverdue() {
    return router.sumOnEach(database -> cancelOverdueHere());
  }

  private Uni<Integer> cancelOverdueHere() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant cutoff = now.minus(config.saga().paymentDeadline());
    return sessionFactory
        .withTransaction(
            session ->
                session
                    .createNativeQuery(OVERDUE, OrderEntity.class)
                    .setParameter("cutoff", cutoff)
                    .setParameter("limit", config.saga().batchSize())
                    .getResultList()
                    .chain(overdue -> cancel(session, overdue, now)))
        // Committed: every instance forgets what it cached of these orders.
        .call(
            cancelled ->
                cancelled.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : Uni.join()
                        .all(cancelled.stream().map(o -> changes.changed(o.id, o.userId)).toList())
                        .andCollectFailures()
                        .replaceWithVoid())
        .map(List::size)
        .invoke(
            cancelled -> {
              if (cancelled > 0) {
                LOG.infof(
                    "cancelled %d orders without a payment result: payment_timeout", cancelled);
                meters.counter("orders.saga.timeouts").increment(cancelled);
              }
            });
  }

  private Uni<List<OrderEntity>> cancel(
      Mutiny.Session session, List<OrderEntity> overdue, Instant now) {
    if (overdue.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    // One at a time: a Hibernate Reactive session runs one operation at once.
    return Multi.createFrom()
        .iterable(overdue)
        .onItem()
        .transformToUniAndConcatenate(
            order -> {
              order.cancel(CancellationReason.PAYMENT_TIMEOUT, now);
              return events.cancelled(session, order);
            })
        .collect()
        .last()
        .replaceWith(overdue);
  }
}
