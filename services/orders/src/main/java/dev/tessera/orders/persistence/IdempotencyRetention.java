package dev.tessera.orders.persistence;

import dev.tessera.orders.OrdersConfig;
import dev.tessera.sharding.ShardRouter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Forgets idempotency keys older than the retention: a client retries within minutes, and after a
 * day a key may be used again for a new order. Running it on every replica at once is harmless.
 */
@ApplicationScoped
public class IdempotencyRetention {

  private static final Logger LOG = Logger.getLogger(IdempotencyRetention.class);

  private final Mutiny.SessionFactory sessionFactory;
  private final OrdersConfig config;
  private final ShardRouter router;

  IdempotencyRetention(
      Mutiny.SessionFactory sessionFactory, OrdersConfig config, ShardRouter router) {
    this.sessionFactory = sessionFactory;
    this.config = config;
    this.router = router;
  }

  @Scheduled(
      every = "${tessera.orders.idempotency.purge-every:1h}",
      delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> purgeRegularly() {
    return purge().replaceWithVoid();
  }

  /** Deletes the keys older than the retention; returns how many it deleted. */
  public Uni<Integer> purge() {
    Instant cutoff = Instant.now().minus(config.idempotency().retention());
    return router
        .sumOnEach(
            database ->
                sessionFactory.withTransaction(
                    session ->
                        session
                            .createMutationQuery(
                                "delete from IdempotencyRecord r where r.createdAt < :cutoff")
                            .setParameter("cutoff", cutoff)
                            .executeUpdate()))
        .invoke(deleted -> LOG.debugf("purged %d idempotency keys older than %s", deleted, cutoff));
  }
}
