package dev.tessera.eventing.inbox;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.InvalidEventException;
import dev.tessera.eventing.EventingConfig;
import dev.tessera.eventing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Applies Kafka records exactly once to the service's database: the inbox row (consumer, event id)
 * commits in the same transaction as the handler's side effects.
 *
 * <p>Use it from an {@code @Incoming} method that receives a {@code ConsumerRecord<String, String>}
 * and returns the {@link Uni} of {@link #process}. Transient failures are retried here with
 * backoff; when that is exhausted, or the failure is permanent, the returned {@link Uni} fails, the
 * connector nacks the record and its {@code dead-letter-queue} failure strategy sends it to the
 * dead-letter topic with the reason in the {@code dead-letter-reason} header, then goes on with the
 * next record.
 */
@ApplicationScoped
public class IdempotentConsumer {

  private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);

  private static final String MARK_APPLIED =
      "insert into inbox (consumer, event_id, event_type) values (:consumer, :id, :type)"
          + " on conflict do nothing";

  private final Mutiny.SessionFactory sessionFactory;
  private final EventingConfig config;
  private final Tracer tracer;
  private final Vertx vertx;

  IdempotentConsumer(
      Mutiny.SessionFactory sessionFactory, EventingConfig config, Tracer tracer, Vertx vertx) {
    this.sessionFactory = sessionFactory;
    this.config = config;
    this.tracer = tracer;
    this.vertx = vertx;
  }

  /** Applies {@code record} once with the matching handler, or skips a type it does not handle. */
  public Uni<Void> process(ConsumerRecord<String, String> record, EventHandlers handlers) {
    Span span =
        tracer
            .spanBuilder(record.topic() + " process")
            .setParent(Tracing.extract(record.headers()))
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute("messaging.system", "kafka")
            .setAttribute("messaging.operation.type", "process")
            .setAttribute("messaging.destination.name", record.topic())
            .setAttribute("messaging.consumer.group.name", handlers.consumer())
            .setAttribute("messaging.destination.partition.id", String.valueOf(record.partition()))
            .setAttribute("messaging.kafka.offset", record.offset())
            .startSpan();
    // Hibernate Reactive must run on a Vert.x context; retries resume on the same one.
    Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
    Executor onContext = task -> context.runOnContext(ignored -> task.run());
    return Uni.createFrom()
        .deferred(() -> dispatch(record, handlers, span))
        .runSubscriptionOn(onContext)
        .onItemOrFailure()
        .invoke(
            (ignored, failure) -> {
              if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, failure.getMessage());
              }
              span.end();
            });
  }

  private Uni<Void> dispatch(
      ConsumerRecord<String, String> record, EventHandlers handlers, Span span) {
    String eventType = header(record, EventHeaders.EVENT_TYPE);
    var registration = handlers.forType(eventType);
    if (registration.isEmpty()) {
      // Topics carry every event of an aggregate; a consumer handles only some of them.
      span.setAttribute("tessera.outcome", "ignored");
      LOG.debugf("%s ignores %s at %s", handlers.consumer(), eventType, position(record));
      return Uni.createFrom().voidItem();
    }
    span.setAttribute("messaging.message.id", String.valueOf(header(record, EventHeaders.ID)));
    ReceivedEvent<?> event = decode(record, registration.get());
    EventingConfig.Retry retry = config.retry();
    return Uni.createFrom()
        .deferred(() -> applyOnce(handlers.consumer(), event, registration.get(), span))
        .onFailure(IdempotentConsumer::isTransient)
        .invoke(
            failure ->
                LOG.warnf(
                    "%s failed to apply %s %s, will retry: %s",
                    handlers.consumer(), eventType, event.id(), failure.toString()))
        .onFailure(IdempotentConsumer::isTransient)
        .retry()
        .withBackOff(retry.initialBackoff(), retry.maxBackoff())
        .withJitter(0.3)
        .atMost(Math.max(0, retry.maxAttempts() - 1))
        .onFailure()
        .transform(
            failure ->
                isTransient(failure)
                    ? new PermanentEventFailure(
                        "gave up after "
                            + retry.maxAttempts()
                            + " attempts to apply "
                            + eventType
                            + " "
                            + event.id()
                            + ": "
                            + failure,
                        failure)
                    : failure);
  }

  private <E extends IntegrationEvent> Uni<Void> applyOnce(
      String consumer,
      ReceivedEvent<?> event,
      EventHandlers.Registration<E> registration,
      Span span) {
    @SuppressWarnings("unchecked") // decode() built the event from this very registration
    ReceivedEvent<E> typed = (ReceivedEvent<E>) event;
    return sessionFactory.withTransaction(
        session ->
            session
                .createNativeQuery(MARK_APPLIED)
                .setParameter("consumer", consumer)
                .setParameter("id", typed.id())
                .setParameter("type", typed.type().name())
                .executeUpdate()
                .chain(
                    inserted -> {
                      if (inserted == 0) {
                        span.setAttribute("tessera.outcome", "duplicate");
                        LOG.debugf("%s already applied %s", consumer, typed.id());
                        return Uni.createFrom().voidItem();
                      }
                      span.setAttribute("tessera.outcome", "applied");
                      try (Scope ignored = span.makeCurrent()) {
                        // Events the handler records continue this trace.
                        return registration.handler().handle(session, typed);
                      }
                    }));
  }

  private static <E extends IntegrationEvent> ReceivedEvent<E> decode(
      ConsumerRecord<String, String> record, EventHandlers.Registration<E> registration) {
    String id = header(record, EventHeaders.ID);
    UUID eventId;
    try {
      eventId = UUID.fromString(String.valueOf(id));
    } catch (IllegalArgumentException e) {
      throw new PermanentEventFailure("record at " + position(record) + " has no valid event id");
    }
    if (record.value() == null) {
      throw new PermanentEventFailure("record at " + position(record) + " has no payload");
    }
    try {
      E payload = EventCodec.fromJson(record.value(), registration.type().javaType());
      return new ReceivedEvent<>(
          eventId,
          registration.type(),
          payload,
          record.topic(),
          record.partition(),
          record.offset());
    } catch (InvalidEventException e) {
      throw new PermanentEventFailure(
          "record at " + position(record) + " is not a valid " + registration.type().name(), e);
    }
  }

  private static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PermanentEventFailure || t instanceof InvalidEventException) {
        return false;
      }
    }
    return true;
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String position(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
