package dev.tessera.eventing.outbox;

import dev.tessera.eventing.EventingConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
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
 */
@Readiness
@ApplicationScoped
public class OutboxCaptureCheck implements AsyncHealthCheck {

  private final Mutiny.SessionFactory sessionFactory;
  private final EventingConfig config;

  private final AtomicLong up = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong retained = new AtomicLong();
  private final AtomicLong active = new AtomicLong();

  OutboxCaptureCheck(
      Mutiny.SessionFactory sessionFactory, EventingConfig config, MeterRegistry registry) {
    this.sessionFactory = sessionFactory;
    this.config = config;
    String slot = config.capture().slot();
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

  @Override
  public Uni<HealthCheckResponse> call() {
    String slot = config.capture().slot();
    long max = config.capture().maxRetainedWal().asLongValue();
    return sessionFactory
        .withSession(
            session ->
                session
                    .createNativeQuery(SlotHealth.QUERY, Object[].class)
                    .setParameter("slot", slot)
                    .getResultList())
        .ifNoItem()
        .after(Duration.ofSeconds(2))
        .fail()
        .invoke(rows -> active.set(!rows.isEmpty() && Boolean.TRUE.equals(rows.get(0)[2]) ? 1 : 0))
        .map(rows -> judge(rows, max))
        .invoke(
            health -> {
              up.set(health.healthy() ? 1 : 0);
              lost.set(health.losingEvents() ? 1 : 0);
              retained.set(health.retainedWalBytes());
            })
        .map(
            health -> {
              HealthCheckResponseBuilder response =
                  HealthCheckResponse.named("outbox-capture")
                      .status(health.healthy())
                      .withData("slot", slot)
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
                HealthCheckResponse.named("outbox-capture")
                    .down()
                    .withData("error", failure.getClass().getSimpleName())
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
