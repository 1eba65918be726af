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
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Applies Kafka records exactly once to the service's database: the inbox row (consumer, event id)
 * commits in the same transaction as the handler's side effects.
 *
 * <p>Use it from an {@code @Incoming} method that receives a {@code ConsumerRecord<String, String>}
 * and returns the {@link Uni} of {@link #process}. Failures are retried here, each attempt in a
 * fresh transaction, as {@link FailureKind} says: a transient one (a dependency unavailable) for as
 * long as it takes, the record's partition waiting meanwhile ({@link StalledRecords} reports it);
 * an unexplained one {@code tessera.eventing.retry.max-attempts} times. When an unexplained failure
 * has used up its attempts, or the failure is permanent, the returned {@link Uni} fails, the
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
  private final StalledRecords stalled;

  IdempotentConsumer(
      Mutiny.SessionFactory sessionFactory,
      EventingConfig config,
      Tracer tracer,
      Vertx vertx,
      StalledRecords stalled) {
    this.sessionFactory = sessionFactory;
    this.config = config;
    this.tracer = tracer;
    this.vertx = vertx;
    this.stalled = stalled;
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
    // Hibernate Reactive must run on a Vert.x context; retries resume on the same one. A context of
    // this record's own, on which the consumer span stays current.
    Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    VertxContextSafetyToggle.setContextSafe(context, true);
    io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.root().with(span);
    Executor onContext = Tracing.continuing(context, trace);
    // Mutiny restores the OpenTelemetry context that was current when a Uni was built around its
    // callbacks (context propagation): built with the span current, everything the handler chains
    // continues the trace, and so does what the caller chains after this returns (billing's charge
    // after the commit). The connector runs each record on a duplicated context of its own, so the
    // span stays current there; elsewhere it is current while the Uni is built only.
    if (VertxContext.isOnDuplicatedContext()) {
      @SuppressWarnings({"resource", "unused"})
      Scope attached = trace.makeCurrent();
      return pipeline(record, handlers, span, context, onContext);
    }
    try (Scope ignored = trace.makeCurrent()) {
      return pipeline(record, handlers, span, context, onContext);
    }
  }

  private Uni<Void> pipeline(
      ConsumerRecord<String, String> record,
      EventHandlers handlers,
      Span span,
      Context context,
      Executor onContext) {
    return Uni.createFrom()
        .deferred(() -> dispatch(record, handlers, span, context))
        .runSubscriptionOn(onContext)
        .onItemOrFailure()
        .invoke(
            (ignored, failure) -> {
              if (failure != null) {
                // The connector's failure strategy dead-letters every record whose Uni fails.
                stalled.deadLettered(handlers.consumer());
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, failure.getMessage());
              }
              span.end();
            });
  }

  private Uni<Void> dispatch(
      ConsumerRecord<String, String> record, EventHandlers handlers, Span span, Context context) {
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
    Attempts attempts = new Attempts(handlers.consumer(), record, event);
    return attempt(attempts, registration.get(), span, context)
        .onTermination()
        .invoke(attempts::end);
  }

  /**
   * One attempt, and after a failure the next one: for as long as it takes when the failure is
   * transient, a bounded number of times when it is unexplained, never when it is permanent. The
   * record stays in flight meanwhile, so no later record of its partition overtakes it.
   */
  private Uni<Void> attempt(
      Attempts attempts, EventHandlers.Registration<?> registration, Span span, Context context) {
    return Uni.createFrom()
        .deferred(() -> applyOnce(attempts.consumer, attempts.event, registration, span))
        .onFailure()
        .recoverWithUni(
            failure -> {
              FailureKind kind = FailureKind.of(failure);
              if (kind == FailureKind.PERMANENT) {
                return Uni.createFrom().failure(failure);
              }
              int unexplained = attempts.failed(kind, failure);
              if (unexplained >= config.retry().maxAttempts()) {
                return Uni.createFrom()
                    .failure(
                        new PermanentEventFailure(
                            "gave up after "
                                + unexplained
                                + " attempts to apply "
                                + attempts.describe()
                                + ": "
                                + failure,
                            failure));
              }
              stalled.retried(attempts.consumer, kind);
              Duration delay = backoff(attempts.failures());
              LOG.warnf(
                  "%s failed to apply %s (%s failure %d), retrying in %d ms: %s",
                  attempts.consumer,
                  attempts.describe(),
                  kind.name().toLowerCase(),
                  attempts.failures(),
                  delay.toMillis(),
                  failure.toString());
              return delay(context, delay)
                  .chain(() -> attempt(attempts, registration, span, context));
            });
  }

  /** Exponential from the initial backoff, capped, with 30 % jitter either way. */
  private Duration backoff(int failures) {
    EventingConfig.Retry retry = config.retry();
    long initial = Math.max(1, retry.initialBackoff().toMillis());
    long max = Math.max(initial, retry.maxBackoff().toMillis());
    long base = initial << Math.min(failures - 1, 20);
    base = base <= 0 || base > max ? max : base;
    double jitter = 1 + 0.3 * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofMillis(Math.max(1, Math.min(max, Math.round(base * jitter))));
  }

  /** Completes after {@code delay} on {@code context}; cancelling it cancels the timer. */
  private static Uni<Void> delay(Context context, Duration delay) {
    return Uni.createFrom()
        .emitter(
            emitter -> {
              long timer =
                  context
                      .owner()
                      .setTimer(
                          delay.toMillis(),
                          id -> context.runOnContext(ignored -> emitter.complete(null)));
              emitter.onTermination(() -> context.owner().cancelTimer(timer));
            });
  }

  /** The failed attempts at one record, and its entry among the stalled records. */
  private final class Attempts {
    final String consumer;
    final ConsumerRecord<String, String> record;
    final ReceivedEvent<?> event;
    private int failures;
    private int unexplained;
    private StalledRecords.Stall stall;

    Attempts(String consumer, ConsumerRecord<String, String> record, ReceivedEvent<?> event) {
      this.consumer = consumer;
      this.record = record;
      this.event = event;
    }

    /** Records a failure; returns the number of unexplained ones so far. */
    int failed(FailureKind kind, Throwable failure) {
      failures++;
      if (kind == FailureKind.UNEXPLAINED) {
        unexplained++;
      }
      if (stall == null) {
        stall = stalled.begin(consumer, record);
      }
      stall.failed(failure);
      return unexplained;
    }

    int failures() {
      return failures;
    }

    String describe() {
      return event.type().name() + " " + event.id() + " at " + position(record);
    }

    void end() {
      if (stall != null) {
        stalled.end(stall);
      }
    }
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
                      // Events the handler records continue this trace: the span is current on
                      // this record's context (process).
                      return registration.handler().handle(session, typed);
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
