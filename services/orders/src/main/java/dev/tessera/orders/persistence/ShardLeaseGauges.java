package dev.tessera.orders.persistence;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The gauge {@code tessera.shards{database, state}}: how many of the 4,096 logical shards this
 * database holds in each lease state (docs/sharding.md), read every 15 s. The chart's {@code
 * TesseraShardOwnership} (the databases together do not own every shard once) and {@code
 * TesseraShardMoveStuck} watch it. Every instance reports its database's leases; the rules take the
 * maximum per database.
 */
@ApplicationScoped
@Startup
public class ShardLeaseGauges {

  private static final Logger LOG = Logger.getLogger(ShardLeaseGauges.class);

  private static final String QUERY = "select state, count(*)::int from shard_lease group by state";

  private final Mutiny.SessionFactory sessionFactory;
  private final Map<String, AtomicLong> byState =
      Map.of("OWNED", new AtomicLong(), "RECEIVING", new AtomicLong(), "MOVED", new AtomicLong());

  ShardLeaseGauges(
      Mutiny.SessionFactory sessionFactory,
      MeterRegistry registry,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl) {
    this.sessionFactory = sessionFactory;
    String database = databaseOf(jdbcUrl);
    byState.forEach(
        (state, count) ->
            Gauge.builder("tessera.shards", count, AtomicLong::get)
                .description("Logical shards of orders this database holds, by lease state")
                .tag("database", database)
                .tag("state", state)
                .register(registry));
  }

  /** The database name of a JDBC URL: {@code jdbc:postgresql://host:5432/orders?x=y} → orders. */
  static String databaseOf(String jdbcUrl) {
    String path = URI.create(jdbcUrl.substring("jdbc:".length())).getPath();
    return path == null || path.length() <= 1 ? "unknown" : path.substring(1);
  }

  @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> refresh() {
    return sessionFactory
        .withSession(session -> session.createNativeQuery(QUERY, Object[].class).getResultList())
        .ifNoItem()
        .after(Duration.ofSeconds(5))
        .fail()
        .invoke(this::record)
        .onFailure()
        .invoke(failure -> LOG.debugf("shard leases not read: %s", failure.toString()))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }

  private void record(List<Object[]> rows) {
    byState.values().forEach(count -> count.set(0));
    for (Object[] row : rows) {
      AtomicLong count = byState.get((String) row[0]);
      if (count != null) {
        count.set(((Number) row[1]).longValue());
      }
    }
  }
}
