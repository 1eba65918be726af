package dev.tessera.orders.persistence;

import dev.tessera.sharding.ShardRouter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The gauge {@code tessera.shards{database, state}}: how many of the 4,096 logical shards this
 * database holds in each lease state (docs/sharding.md), read every 15 s. The chart's {@code
 * TesseraShardOwnership} (the databases together do not own every shard once) and {@code
 * TesseraShardMoveStuck} watch it. Every instance reports the leases of each of its databases (by
 * their names in the shard map: {@code orders}, {@code orders2}); the rules take the maximum per
 * database.
 */
@ApplicationScoped
@Startup
public class ShardLeaseGauges {

  private static final Logger LOG = Logger.getLogger(ShardLeaseGauges.class);

  private static final String QUERY = "select state, count(*)::int from shard_lease group by state";

  private static final List<String> STATES = List.of("OWNED", "RECEIVING", "MOVED");

  private final Mutiny.SessionFactory sessionFactory;
  private final ShardRouter router;

  /** By database, then by state. */
  private final Map<String, Map<String, AtomicLong>> counts = new LinkedHashMap<>();

  ShardLeaseGauges(
      Mutiny.SessionFactory sessionFactory, ShardRouter router, MeterRegistry registry) {
    this.sessionFactory = sessionFactory;
    this.router = router;
    for (String database : router.databases()) {
      Map<String, AtomicLong> byState = new LinkedHashMap<>();
      for (String state : STATES) {
        AtomicLong count = new AtomicLong();
        byState.put(state, count);
        Gauge.builder("tessera.shards", count, AtomicLong::get)
            .description("Logical shards of orders this database holds, by lease state")
            .tag("database", database)
            .tag("state", state)
            .register(registry);
      }
      counts.put(database, byState);
    }
  }

  @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> refresh() {
    return router
        .onEach(
            database ->
                sessionFactory
                    .withSession(
                        session -> session.createNativeQuery(QUERY, Object[].class).getResultList())
                    .ifNoItem()
                    .after(Duration.ofSeconds(5))
                    .fail()
                    .invoke(rows -> record(counts.get(database), rows))
                    .onFailure()
                    .invoke(
                        failure ->
                            LOG.debugf(
                                "shard leases of %s not read: %s", database, failure.toString()))
                    .onFailure()
                    .recoverWithNull())
        .replaceWithVoid();
  }

  private static void record(Map<String, AtomicLong> byState, List<Object[]> rows) {
    byState.values().forEach(count -> count.set(0));
    for (Object[] row : rows) {
      AtomicLong count = byState.get((String) row[0]);
      if (count != null) {
        count.set(((Number) row[1]).longValue());
      }
    }
  }
}
