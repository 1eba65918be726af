package dev.tessera.eventing.outbox;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.eventing.EventingConfig;
import dev.tessera.eventing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Records integration events in the service's transactional outbox, from where Debezium publishes
 * them to Kafka. The event commits or rolls back with the business change it describes. Debezium
 * reads the row from the WAL; {@link OutboxSweep} deletes committed rows a moment later (the
 * publication publishes inserts only, so the deletes are never streamed).
 */
@ApplicationScoped
public class Outbox {

  // The payload goes in as text and is cast in SQL: bound straight to a jsonb parameter, the
  // reactive driver would store the Java string as a JSON string literal.
  private static final String INSERT =
      "insert into outbox (id, aggregatetype, aggregateid, type, payload, traceparent)"
          + " values (:id, :aggregatetype, :aggregateid, :type,"
          + " cast(cast(:payload as text) as jsonb), :traceparent)";

  private final EventingConfig config;
  private final Tracer tracer;

  Outbox(EventingConfig config, Tracer tracer) {
    this.config = config;
    this.tracer = tracer;
  }

  /**
   * Records {@code event} in the transaction that {@code session} has open, and returns the event
   * id (the Kafka header {@code id}).
   *
   * @throws IllegalArgumentException if the event type belongs to another service
   */
  public Uni<UUID> record(Mutiny.Session session, IntegrationEvent event) {
    EventType<?> type = EventTypes.of(event.getClass());
    if (!type.service().equals(config.service())) {
      throw new IllegalArgumentException(
          config.service() + " cannot publish " + type.name() + ", an event of " + type.service());
    }
    if (session.currentTransaction() == null) {
      // Outside a transaction the event could commit without its state change (or the reverse).
      return Uni.createFrom()
          .failure(new IllegalStateException("Outbox.record needs an open transaction"));
    }
    UUID id = UUID.randomUUID();
    String payload = EventCodec.toJson(event);
    Span span =
        tracer
            .spanBuilder(type.topic() + " publish")
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute("messaging.system", "kafka")
            .setAttribute("messaging.operation.type", "publish")
            .setAttribute("messaging.destination.name", type.topic())
            .setAttribute("messaging.message.id", id.toString())
            .setAttribute("messaging.kafka.message.key", event.aggregateId())
            .startSpan();
    return session
        .createNativeQuery(INSERT)
        .setParameter("id", id)
        .setParameter("aggregatetype", type.aggregate())
        .setParameter("aggregateid", event.aggregateId())
        .setParameter("type", type.name())
        .setParameter("payload", payload)
        .setParameter("traceparent", Tracing.traceparent(span.getSpanContext()))
        .executeUpdate()
        .onItemOrFailure()
        .transform(
            (rows, failure) -> {
              if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR);
                span.end();
                throw failure instanceof RuntimeException re ? re : new RuntimeException(failure);
              }
              span.end();
              return id;
            });
  }
}
