package dev.tessera.eventing.outbox;

import dev.tessera.sharding.ShardRouter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Deletes the outbox rows that have committed, in every database of a sharded service. Debezium
 * reads an event from the WAL, never from the table, so a committed row has no further use: one
 * statement every {@code tessera.eventing.outbox.sweep-every} (2 s) deletes them all, instead of a
 * delete of each row in its own event's transaction — a statement fewer for every event. A row of a
 * transaction still open is invisible to the sweep and waits for the next one. Running it on every
 * replica at once is harmless: a second delete waits for the first's row locks, then finds the rows
 * gone.
 */
@ApplicationScoped
public class OutboxSweep {

  private static final Logger LOG = Logger.getLogger(OutboxSweep.class);

  private final Mutiny.SessionFactory sessionFactory;
  private final ShardRouter router;
  private volatile boolean failing;

  OutboxSweep(Mutiny.SessionFactory sessionFactory, ShardRouter router) {
    this.sessionFactory = sessionFactory;
    this.router = router;
  }

  @Scheduled(
      every = "${tessera.eventing.outbox.sweep-every}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> sweepRegularly() {
    // A database that is away keeps its rows until it is back: nothing is lost, and one warning
    // says so rather than one every sweep.
    return sweep()
        .onItemOrFailure()
        .invoke(
            (deleted, failure) -> {
              if (failure != null && !failing) {
                LOG.warnf("outbox sweep failed; retrying every sweep: %s", failure.toString());
              } else if (failure == null && failing) {
                LOG.infof("outbox sweep works again (%d rows)", deleted);
              }
              failing = failure != null;
            })
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  /** Deletes every committed outbox row; returns how many it deleted. */
  public Uni<Integer> sweep() {
    return router.sumOnEach(
        database ->
            sessionFactory.withTransaction(
                session -> session.createNativeQuery("delete from outbox").executeUpdate()));
  }
}
