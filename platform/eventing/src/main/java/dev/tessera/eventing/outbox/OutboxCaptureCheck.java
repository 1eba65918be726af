package dev.tessera.eventing.outbox;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Ready only once a logical replication slot exists on this service's database, i.e. once Debezium
 * captures the outbox: an event committed before that would never be published.
 */
@Readiness
@ApplicationScoped
public class OutboxCaptureCheck implements AsyncHealthCheck {

  // pg_replication_slots is readable by any role; the slot itself is the connector's.
  private static final String SLOTS =
      "select count(*) from pg_replication_slots"
          + " where database = current_database() and plugin = 'pgoutput'";

  private final Mutiny.SessionFactory sessionFactory;

  OutboxCaptureCheck(Mutiny.SessionFactory sessionFactory) {
    this.sessionFactory = sessionFactory;
  }

  @Override
  public Uni<HealthCheckResponse> call() {
    return sessionFactory
        .withSession(session -> session.createNativeQuery(SLOTS, Long.class).getSingleResult())
        .ifNoItem()
        .after(Duration.ofSeconds(2))
        .fail()
        .map(
            slots ->
                HealthCheckResponse.named("outbox-capture")
                    .status(slots > 0)
                    .withData("replicationSlots", slots)
                    .build())
        .onFailure()
        .recoverWithItem(
            failure ->
                HealthCheckResponse.named("outbox-capture")
                    .down()
                    .withData("error", failure.getClass().getSimpleName())
                    .build());
  }
}
