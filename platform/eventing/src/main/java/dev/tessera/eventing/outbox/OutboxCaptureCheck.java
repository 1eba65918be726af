package dev.tessera.eventing.outbox;

import dev.tessera.cdc.OutboxConnector;
import dev.tessera.eventing.EventingConfig;
import dev.tessera.sharding.NamedDatabase;
import dev.tessera.sharding.ShardDatabases;
import dev.tessera.sharding.ShardRouter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Ready only while the outbox's replication slot can deliver every event recorded: it exists, has
 * not been invalidated ({@code wal_status} {@code lost}), and holds back no more WAL than {@code
 * tessera.eventing.capture.max-retained-wal}.
 *
 * <p>Each check also sets the gauges {@code tessera.outbox.slot.up} (1 healthy, 0 not), {@code
 * tessera.outbox.slot.lost} (1 while events recorded now cannot be published: missing or lost) and
 * {@code tessera.outbox.slot.retained.wal} (bytes) and {@code tessera.outbox.slot.active} (1 while
 * the Debezium task streams from it), which the chart's alerts {@code TesseraOutbox*} watch;
 * readiness probes keep them fresh.
 *
 * <p>A sharded service checks the slot of each of its databases (each has its own connector), and
 * is ready only while every one it can reach can deliver: an event recorded on any of them must
 * reach Kafka. Another database it cannot reach does not make it unready: nothing is recorded there
 * meanwhile (its users' requests are {@code 503}, its records wait), and an instance taken out of
 * service would fail the home database's users too — on every instance at once, since they all
 * reach the same databases. The answer names it ({@code <database>.unreachable}). Its home database
 * unreachable, the instance is not ready.
 */
@Readiness
@ApplicationScoped
public class OutboxCaptureCheck implements AsyncHealthCheck {

  private final Mutiny.SessionFactory sessionFactory;
  private final EventingConfig config;
  private final ShardRouter router;
  private final String home;

  /** By database: the slot there and its gauges. */
  private final Map<String, Watched> watched = new LinkedHashMap<>();

  OutboxCaptureCheck(
      Mutiny.SessionFactory sessionFactory,
      EventingConfig config,
      MeterRegistry registry,
      ShardDatabases databases,
      ShardRouter router) {
    this.sessionFactory = sessionFactory;
    this.config = config;
    this.router = router;
    this.home = databases.home();
    watched.put(home, new Watched(config.capture().slot(), registry));
    for (NamedDatabase other : databases.others()) {
      String slot = new OutboxConnector(config.service(), other.name()).slotName();
      watched.put(other.name(), new Watched(slot, registry));
    }
  }

  /** One slot's gauges. */
  private static final class Watched {
    final String slot;
    final AtomicLong up = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong retained = new AtomicLong();
    final AtomicLong active = new AtomicLong();

    Watched(String slot, MeterRegistry registry) {
      this.slot = slot;
      Gauge.builder("tessera.outbox.slot.up", up, AtomicLong::get)
          .description("1 while the outbox's replication slot can publish every event, else 0")
          .tag("slot", slot)
          .register(registry);
      Gauge.builder("tessera.outbox.slot.lost", lost, AtomicLong::get)
          .description("1 while the outbox's replication slot is missing or lost: events are lost")
          .tag("slot", slot)
          .register(registry);
      Gauge.builder("tessera.outbox.slot.retained.wal", retained, AtomicLong::get)
          .description("WAL the outbox's replication slot holds back")
          .baseUnit("bytes")
          .tag("slot", slot)
          .register(registry);
      // No task streams from the slot: the connector or its task is not RUNNING (or Connect is
      // down). The chart's TesseraOutboxConnectorDown watches it.
      Gauge.builder("tessera.outbox.slot.active", active, AtomicLong::get)
          .description(
              "1 while a walsender (the Debezium task) streams from the outbox's slot, else 0")
          .tag("slot", slot)
          .register(registry);
    }
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return router
        .onEach(database -> check(database, watched.get(database)))
        .map(
            checks -> {
              if (checks.size() == 1) {
                return checks.get(0);
              }
              // One check for all: ready only while every database's slot is.
              HealthCheckResponseBuilder all =
                  HealthCheckResponse.named("outbox-capture")
                      .status(
                          checks.stream()
                              .allMatch(c -> c.getStatus() == HealthCheckResponse.Status.UP));
              for (HealthCheckResponse check : checks) {
                check
                    .getData()
                    .ifPresent(
                        data ->
                            data.forEach(
                                (k, v) ->
                                    all.withData(
                                        (String) data.get("database") + "." + k,
                                        String.valueOf(v))));
              }
              return all.build();
            });
  }

  private Uni<HealthCheckResponse> check(String database, Watched gauges) {
    long max = config.capture().maxRetainedWal().asLongValue();
    return sessionFactory
        .withSession(
            session ->
                session
                    .createNativeQuery(SlotHealth.QUERY, Object[].class)
                    .setParameter("slot", gauges.slot)
                    .getResultList())
        .ifNoItem()
        .after(Duration.ofSeconds(2))
        .fail()
        .invoke(
            rows ->
                gauges.active.set(!rows.isEmpty() && Boolean.TRUE.equals(rows.get(0)[2]) ? 1 : 0))
        .map(rows -> judge(rows, max))
        .invoke(
            health -> {
              gauges.up.set(health.healthy() ? 1 : 0);
              gauges.lost.set(health.losingEvents() ? 1 : 0);
              gauges.retained.set(health.retainedWalBytes());
            })
        .map(
            health -> {
              HealthCheckResponseBuilder response =
                  HealthCheckResponse.named("outbox-capture")
                      .status(health.healthy())
                      .withData("database", database)
                      .withData("slot", gauges.slot)
                      .withData("retainedWalBytes", health.retainedWalBytes());
              if (health.walStatus() != null) {
                response.withData("walStatus", health.walStatus());
              }
              if (!health.healthy()) {
                response.withData("problem", health.problem());
              }
              return response.build();
            })
        .onFailure()
        .recoverWithItem(
            failure ->
                database.equals(home)
                    ? HealthCheckResponse.named("outbox-capture")
                        .down()
                        .withData("database", database)
                        .withData("error", failure.getClass().getSimpleName())
                        .build()
                    : HealthCheckResponse.named("outbox-capture")
                        .up()
                        .withData("database", database)
                        .withData("unreachable", failure.getClass().getSimpleName())
                        .build());
  }

  private static SlotHealth judge(List<Object[]> rows, long max) {
    if (rows.isEmpty()) {
      return SlotHealth.missing();
    }
    Object[] row = rows.get(0);
    return SlotHealth.of((String) row[0], ((Number) row[1]).longValue(), max);
  }
}
