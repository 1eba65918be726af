package dev.tessera.eventing.inbox;

import dev.tessera.eventing.EventingConfig;
import dev.tessera.sharding.ShardRouter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Forgets applied event ids once they are older than any record Kafka could still redeliver, so the
 * inbox does not grow forever, in every database of a sharded service. Running it on every replica
 * at once is harmless.
 */
@ApplicationScoped
public class InboxRetention {

  private static final Logger LOG = Logger.getLogger(InboxRetention.class);

  private final Mutiny.SessionFactory sessionFactory;
  private final EventingConfig config;
  private final ShardRouter router;

  InboxRetention(Mutiny.SessionFactory sessionFactory, EventingConfig config, ShardRouter router) {
    this.sessionFactory = sessionFactory;
    this.config = config;
    this.router = router;
  }

  @Scheduled(
      every = "${tessera.eventing.inbox.purge-every:1h}",
      delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> purgeRegularly() {
    return purge().replaceWithVoid();
  }

  /** Deletes the inbox rows older than the retention; returns how many it deleted. */
  public Uni<Integer> purge() {
    OffsetDateTime cutoff = OffsetDateTime.now().minus(config.inbox().retention());
    return router
        .sumOnEach(
            database ->
                sessionFactory.withTransaction(
                    session ->
                        session
                            .createNativeQuery("delete from inbox where processed_at < :cutoff")
                            .setParameter("cutoff", cutoff)
                            .executeUpdate()))
        .invoke(deleted -> LOG.debugf("purged %d inbox rows older than %s", deleted, cutoff));
  }
}
