package dev.tessera.eventing.inbox;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.InvalidEventException;
import dev.tessera.eventing.EventingConfig;
import dev.tessera.eventing.Tracing;
import dev.tessera.sharding.ShardRouter;
import dev.tessera.sharding.Shards;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
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
 *
 * <p>A record this release cannot apply yet is <em>parked</em> (kept in {@code parked_event} with
 * its offset), neither skipped nor dead-lettered: one of an event type this build does not know (a
 * newer release's), one whose handler throws {@link NotUnderstoodYet}, and every later record with
 * the same key on the same partition, so that an aggregate's events keep their order. {@link
 * #drainParked} applies what this release understands, key by key in offset order; {@link
 * ParkedEventsDrain} runs it at start and then regularly (docs/adr/0002).
 */
@ApplicationScoped
public class IdempotentConsumer {

  private static final Logger LOG = Logger.getLogger(IdempotentConsumer.class);

  // {shard} and {:shard}: the shard column and its value, for a consumer routed by user only. A
  // sharded service's own migration adds the column (orders V8); the others' tables lack it.
  private static final ShardedSql MARK_APPLIED =
      ShardedSql.of(
          "insert into inbox (consumer, event_id, event_type{shard}) values (:consumer, :id, :type"
              + "{:shard}) on conflict do nothing");

  // The parked records that a record must wait behind: earlier ones of its key (or itself).
  private static final String PARKED_BEFORE =
      " from parked_event where consumer = :consumer and topic = :topic"
          + " and kafka_partition = :partition and record_key = :key and kafka_offset <= :offset";

  // One statement, no extra round trip for the common case: the inbox row, unless the record is
  // already in the inbox or must wait behind a parked one (then 0 rows, and PARKED_BEFORE tells
  // which). An update count, not a select: Hibernate Reactive caches no plan of a native select
  // (its result mapping has no equals), so each one added an entry under the same hash to the
  // query plan cache, which every later lookup walked: 5-7 % of a consumer's CPU.
  private static final ShardedSql MARK_APPLIED_UNLESS_PARKED =
      ShardedSql.of(
          "insert into inbox (consumer, event_id, event_type{shard}) select :consumer, :id, :type"
              + "{:shard} where not exists ("
              + "select 1"
              + PARKED_BEFORE
              + ") on conflict do nothing");

  private static final ShardedSql PARK =
      ShardedSql.of(
          "insert into parked_event (consumer, topic, kafka_partition, kafka_offset, record_key,"
              + " event_id, event_type, payload, traceparent, reason{shard}) values (:consumer,"
              + " :topic, :partition, :offset, :key, :id, :type, :payload, :traceparent, :reason"
              + "{:shard}) on conflict do nothing");

  // The first parked record of each key: only these may be applied, in this order.
  private static final String HEAD_OF_KEY =
      " not exists (select 1 from parked_event q where q.consumer = p.consumer"
          + " and q.topic = p.topic and q.kafka_partition = p.kafka_partition"
          + " and q.record_key = p.record_key and q.kafka_offset < p.kafka_offset)";

  private static final String PARKED_HEADS =
      "select p.topic, p.kafka_partition, p.kafka_offset, p.event_type from parked_event p"
          + " where p.consumer = :consumer and"
          + HEAD_OF_KEY
          + " order by p.parked_at, p.kafka_offset limit :limit";

  // Locked so that two replicas never apply one parked record, nor two records of one key, at once.
  private static final String LOCK_PARKED_HEAD =
      "select p.record_key, p.event_id, p.event_type, p.payload, p.traceparent from parked_event p"
          + " where p.consumer = :consumer and p.topic = :topic and p.kafka_partition = :partition"
          + " and p.kafka_offset = :offset and"
          + HEAD_OF_KEY
          + " for update skip locked";

  private static final String UNPARK =
      "delete from parked_event where consumer = :consumer and topic = :topic"
          + " and kafka_partition = :partition and kafka_offset = :offset";

  private static final String PARKED_FAILED =
      "update parked_event set attempts = attempts + 1, last_error = :error where consumer ="
          + " :consumer and topic = :topic and kafka_partition = :partition and kafka_offset ="
          + " :offset";

  private static final int DRAIN_BATCH = 100;

  private static final int NO_SHARD = -1;

  private static final Supplier<Uni<Void>> NOTHING_AFTER_COMMIT = () -> Uni.createFrom().voidItem();

  /** A statement in two forms: for a consumer not routed by user, and with the record's shard. */
  private record ShardedSql(String unrouted, String routed) {

    static ShardedSql of(String template) {
      return new ShardedSql(
          template.replace("{shard}", "").replace("{:shard}", ""),
          template.replace("{shard}", ", shard").replace("{:shard}", ", cast(:shard as smallint)"));
    }

    /** The statement in the form for {@code shard}, with {@code :shard} bound where it has it. */
    <R> Mutiny.Query<R> on(Mutiny.Session session, int shard) {
      if (shard == NO_SHARD) {
        return session.createNativeQuery(unrouted);
      }
      Mutiny.Query<R> query = session.createNativeQuery(routed);
      return query.setParameter("shard", shard);
    }
  }

  private final Mutiny.SessionFactory sessionFactory;
  private final EventingConfig config;
  private final Tracer tracer;
  private final Vertx vertx;
  private final StalledRecords stalled;
  // By consumer name: one consumer may read several topics with a set of handlers for each.
  private final Map<String, List<EventHandlers>> registered = new ConcurrentHashMap<>();
  private final DeliveryMetrics delivery;
  private final ShardRouter router;

  IdempotentConsumer(
      Mutiny.SessionFactory sessionFactory,
      EventingConfig config,
      Tracer tracer,
      Vertx vertx,
      StalledRecords stalled,
      DeliveryMetrics delivery,
      ShardRouter router) {
    this.router = router;
    this.sessionFactory = sessionFactory;
    this.config = config;
    this.tracer = tracer;
    this.vertx = vertx;
    this.stalled = stalled;
    this.delivery = delivery;
  }

  /**
   * Makes {@code handlers} known for {@link #drainParked}, which applies parked events only for
   * consumers it knows. A consumer calls it when it is created, so that what an earlier release
   * parked is applied at start even before a record arrives; {@link #process} calls it too. The
   * consumer bean must therefore be created at start ({@code @Startup}): an {@code
   * ApplicationScoped} bean is otherwise created by its first record, and on an instance whose
   * partitions are quiet the parked records waited for one (VersionSkewIT found it).
   */
  public void register(EventHandlers handlers) {
    List<EventHandlers> sets =
        registered.computeIfAbsent(handlers.consumer(), name -> new CopyOnWriteArrayList<>());
    if (sets.stream().noneMatch(known -> known == handlers)) {
      sets.add(handlers);
    }
  }

  /**
   * Applies {@code record} once with the matching handler, skips a type this build knows but the
   * consumer does not handle, and parks a type this build does not know.
   */
  public Uni<Void> process(ConsumerRecord<String, String> record, EventHandlers handlers) {
    register(handlers);
    delivery.seen(handlers.consumer());
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
              } else {
                delivery.delivered(handlers.consumer(), record);
              }
              span.end();
            });
  }

  private Uni<Void> dispatch(
      ConsumerRecord<String, String> record, EventHandlers handlers, Span span, Context context) {
    String eventType = header(record, EventHeaders.EVENT_TYPE);
    var registration = handlers.forType(eventType);
    String consumer = handlers.consumer();
    if (registration.isEmpty() && (eventType == null || EventTypes.byName(eventType).isPresent())) {
      // Topics carry every event of an aggregate; a consumer handles only some of them.
      span.setAttribute("tessera.outcome", "ignored");
      LOG.debugf("%s ignores %s at %s", consumer, eventType, position(record));
      return Uni.createFrom().voidItem();
    }
    Optional<UUID> user = handlers.userOf(record.value());
    int shard = user.map(Shards::ofUser).orElse(NO_SHARD);
    if (registration.isEmpty()) {
      // A newer release's event type: whether this consumer should handle it, only that release
      // knows. Skipping it would lose it for good once the offset moves on.
      Attempts attempts = new Attempts(consumer, record, eventType + " at " + position(record));
      return attempt(
              attempts,
              routed(
                  user,
                  () ->
                      sessionFactory.withTransaction(
                          session ->
                              park(
                                  session,
                                  consumer,
                                  record,
                                  shard,
                                  "event type " + eventType + " is unknown to this release",
                                  span))),
              context)
          .onTermination()
          .invoke(attempts::end);
    }
    span.setAttribute("messaging.message.id", String.valueOf(header(record, EventHeaders.ID)));
    ReceivedEvent<?> event = decode(record, registration.get());
    Attempts attempts =
        new Attempts(
            consumer, record, event.type().name() + " " + event.id() + " at " + position(record));
    return attempt(
            attempts,
            routed(
                user,
                () ->
                    applyOnce(consumer, record, shard, event, registration.get(), span)
                        .onFailure(NotUnderstoodYet::in)
                        .recoverWithUni(
                            failure ->
                                sessionFactory
                                    .withTransaction(
                                        session ->
                                            park(
                                                session,
                                                consumer,
                                                record,
                                                shard,
                                                NotUnderstoodYet.reasonIn(failure),
                                                span))
                                    .replaceWith(false))),
            context)
        .onTermination()
        .invoke(attempts::end)
        .chain(applied -> applied ? afterCommit(handlers, event) : Uni.createFrom().voidItem());
  }

  /** The consumer's {@link EventHandlers.AfterCommit} work for an applied event; never fails. */
  private static Uni<Void> afterCommit(EventHandlers handlers, ReceivedEvent<?> event) {
    return Uni.createFrom()
        .deferred(() -> handlers.afterCommit().run(event))
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf(
                  "%s applied %s %s, but what follows its commit failed: %s",
                  handlers.consumer(), event.type().name(), event.id(), failure.toString());
              return null;
            });
  }

  /**
   * {@code work} on the database that owns {@code user}'s shard (every attempt asks again, so a
   * retry after a shard moved goes to its new owner), or on the home database when there is none.
   */
  private <T> Supplier<Uni<T>> routed(Optional<UUID> user, Supplier<Uni<T>> work) {
    return user.<Supplier<Uni<T>>>map(id -> () -> router.forUser(id, work)).orElse(work);
  }

  /**
   * One attempt, and after a failure the next one: for as long as it takes when the failure is
   * transient, a bounded number of times when it is unexplained, never when it is permanent. The
   * record stays in flight meanwhile, so no later record of its partition overtakes it.
   */
  private <T> Uni<T> attempt(Attempts attempts, Supplier<Uni<T>> once, Context context) {
    return Uni.createFrom()
        .deferred(() -> once.get())
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
              return delay(context, delay).chain(() -> attempt(attempts, once, context));
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
    final String description;
    private int failures;
    private int unexplained;
    private StalledRecords.Stall stall;

    Attempts(String consumer, ConsumerRecord<String, String> record, String description) {
      this.consumer = consumer;
      this.record = record;
      this.description = description;
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
      return description;
    }

    void end() {
      if (stall != null) {
        stalled.end(stall);
      }
    }
  }

  /**
   * Applies the event in a transaction of its own; true once it committed, false if not applied.
   */
  private <E extends IntegrationEvent> Uni<Boolean> applyOnce(
      String consumer,
      ConsumerRecord<String, String> record,
      int shard,
      ReceivedEvent<?> event,
      EventHandlers.Registration<E> registration,
      Span span) {
    @SuppressWarnings("unchecked") // decode() built the event from this very registration
    ReceivedEvent<E> typed = (ReceivedEvent<E>) event;
    return sessionFactory.withTransaction(
        session ->
            MARK_APPLIED_UNLESS_PARKED
                .on(session, shard)
                .setParameter("consumer", consumer)
                .setParameter("topic", record.topic())
                .setParameter("partition", record.partition())
                .setParameter("key", keyOf(record))
                .setParameter("offset", record.offset())
                .setParameter("id", typed.id())
                .setParameter("type", typed.type().name())
                .executeUpdate()
                .chain(
                    inserted -> {
                      if (inserted > 0) {
                        return handle(session, registration, typed, span).replaceWith(true);
                      }
                      return parkedBefore(session, consumer, record)
                          .chain(
                              parked -> {
                                if (parked) {
                                  return park(
                                          session,
                                          consumer,
                                          record,
                                          shard,
                                          "an earlier event of key " + keyOf(record) + " is parked",
                                          span)
                                      .replaceWith(false);
                                }
                                span.setAttribute("tessera.outcome", "duplicate");
                                LOG.debugf("%s already applied %s", consumer, typed.id());
                                return Uni.createFrom().item(false);
                              });
                    }));
  }

  private static Uni<Boolean> parkedBefore(
      Mutiny.Session session, String consumer, ConsumerRecord<String, String> record) {
    return session
        .createNativeQuery("select count(*)" + PARKED_BEFORE)
        .setParameter("consumer", consumer)
        .setParameter("topic", record.topic())
        .setParameter("partition", record.partition())
        .setParameter("key", keyOf(record))
        .setParameter("offset", record.offset())
        .getSingleResult()
        .map(count -> ((Number) count).longValue() > 0);
  }

  private static <E extends IntegrationEvent> Uni<Void> handle(
      Mutiny.Session session,
      EventHandlers.Registration<E> registration,
      ReceivedEvent<E> event,
      Span span) {
    span.setAttribute("tessera.outcome", "applied");
    try (Scope ignored = span.makeCurrent()) {
      // Events the handler records continue this trace.
      return registration.handler().handle(session, event);
    }
  }

  private Uni<Void> park(
      Mutiny.Session session,
      String consumer,
      ConsumerRecord<String, String> record,
      int shard,
      String reason,
      Span span) {
    span.setAttribute("tessera.outcome", "parked");
    return PARK.on(session, shard)
        .setParameter("consumer", consumer)
        .setParameter("topic", record.topic())
        .setParameter("partition", record.partition())
        .setParameter("offset", record.offset())
        .setParameter("key", keyOf(record))
        .setParameter("id", truncate(header(record, EventHeaders.ID), 100))
        .setParameter("type", truncate(header(record, EventHeaders.EVENT_TYPE), 255))
        .setParameter("payload", record.value())
        .setParameter("traceparent", truncate(header(record, EventHeaders.TRACEPARENT), 55))
        .setParameter("reason", truncate(reason, 1000))
        .executeUpdate()
        .invoke(
            parked -> {
              if (parked > 0) {
                stalled.parked(consumer);
                LOG.infof("%s parked %s: %s", consumer, position(record), reason);
              }
            })
        .replaceWithVoid();
  }

  /**
   * Applies the parked records that this release understands, for every registered consumer: the
   * first parked record of each key, then the next, in offset order, each in a transaction that
   * also deletes it. A record of a type this build knows but the consumer does not handle is
   * deleted; one of a type this build does not know either stays parked, and so does every later
   * record of its key. Returns how many records it applied or deleted.
   */
  public Uni<Integer> drainParked() {
    Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
    VertxContextSafetyToggle.setContextSafe(context, true);
    Executor onContext = task -> context.runOnContext(ignored -> task.run());
    List<Map.Entry<String, List<EventHandlers>>> consumers = List.copyOf(registered.entrySet());
    return Multi.createFrom()
        .iterable(consumers)
        .onItem()
        .transformToUniAndConcatenate(
            consumer ->
                // Each database keeps the parked records of the shards it owns.
                router.sumOnEach(
                    database ->
                        drain(consumer.getKey(), List.copyOf(consumer.getValue()), context)))
        .collect()
        .with(Collectors.summingInt(Integer::intValue))
        .runSubscriptionOn(onContext);
  }

  private Uni<Integer> drain(String consumer, List<EventHandlers> handlers, Context context) {
    return sessionFactory
        .withSession(
            session ->
                session
                    .createNativeQuery(PARKED_HEADS, Object[].class)
                    .setParameter("consumer", consumer)
                    .setParameter("limit", DRAIN_BATCH)
                    .getResultList())
        .chain(
            heads -> {
              List<Object[]> due =
                  heads.stream()
                      .filter(head -> EventTypes.byName((String) head[3]).isPresent())
                      .toList();
              return Multi.createFrom()
                  .iterable(due)
                  .onItem()
                  .transformToUniAndConcatenate(
                      head ->
                          unpark(
                              consumer,
                              handlers,
                              (String) head[0],
                              ((Number) head[1]).intValue(),
                              ((Number) head[2]).longValue(),
                              context))
                  .collect()
                  .with(Collectors.summingInt(Integer::intValue));
            })
        // Applying a key's first record makes its next one the first: go on while that helps.
        .chain(
            done ->
                done == 0
                    ? Uni.createFrom().item(0)
                    : drain(consumer, handlers, context).map(more -> done + more));
  }

  /** Applies (or drops) one parked record if it is still the first of its key; 1 if it did. */
  private Uni<Integer> unpark(
      String consumer,
      List<EventHandlers> handlers,
      String topic,
      int partition,
      long offset,
      Context context) {
    String at = topic + "-" + partition + "@" + offset;
    return sessionFactory
        .withTransaction(
            session ->
                session
                    .createNativeQuery(LOCK_PARKED_HEAD, Object[].class)
                    .setParameter("consumer", consumer)
                    .setParameter("topic", topic)
                    .setParameter("partition", partition)
                    .setParameter("offset", offset)
                    .getResultList()
                    .chain(
                        rows -> {
                          if (rows.isEmpty()) {
                            // Another replica has it, or an earlier record of its key came in.
                            return Uni.createFrom().item(Optional.<Supplier<Uni<Void>>>empty());
                          }
                          ConsumerRecord<String, String> record =
                              parkedRecord(topic, partition, offset, rows.get(0));
                          return applyParked(session, consumer, handlers, record)
                              .call(
                                  () ->
                                      session
                                          .createNativeQuery(UNPARK)
                                          .setParameter("consumer", consumer)
                                          .setParameter("topic", topic)
                                          .setParameter("partition", partition)
                                          .setParameter("offset", offset)
                                          .executeUpdate())
                              .map(Optional::of);
                        }))
        // Committed: what follows an applied event, as for a record applied when it arrived.
        .chain(
            unparked -> {
              if (unparked.isEmpty()) {
                return Uni.createFrom().item(0);
              }
              LOG.debugf("%s unparked %s", consumer, at);
              return unparked.get().get().replaceWith(1);
            })
        .onFailure()
        .recoverWithUni(
            failure -> {
              String error =
                  NotUnderstoodYet.in(failure)
                      ? NotUnderstoodYet.reasonIn(failure)
                      : String.valueOf(failure);
              LOG.warnf("%s could not apply parked %s, it stays parked: %s", consumer, at, error);
              return sessionFactory
                  .withTransaction(
                      session ->
                          session
                              .createNativeQuery(PARKED_FAILED)
                              .setParameter("error", truncate(error, 4000))
                              .setParameter("consumer", consumer)
                              .setParameter("topic", topic)
                              .setParameter("partition", partition)
                              .setParameter("offset", offset)
                              .executeUpdate())
                  .onFailure()
                  .recoverWithItem(0)
                  .replaceWith(0);
            });
  }

  /**
   * Applies a parked record in {@code session}'s transaction; returns what to run once it has
   * committed (the consumer's {@link EventHandlers.AfterCommit} work if the event was applied).
   */
  private Uni<Supplier<Uni<Void>>> applyParked(
      Mutiny.Session session,
      String consumer,
      List<EventHandlers> handlers,
      ConsumerRecord<String, String> record) {
    String type = header(record, EventHeaders.EVENT_TYPE);
    Optional<EventHandlers> matching =
        handlers.stream().filter(set -> set.forType(type).isPresent()).findFirst();
    if (matching.isEmpty()) {
      // Known to this build, and not for this consumer: the release that parked it could not tell.
      return Uni.createFrom().item(() -> NOTHING_AFTER_COMMIT);
    }
    EventHandlers.Registration<?> registration = matching.get().forType(type).orElseThrow();
    Span span =
        tracer
            .spanBuilder(record.topic() + " process")
            .setParent(Tracing.extract(record.headers()))
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute("messaging.system", "kafka")
            .setAttribute("messaging.operation.type", "process")
            .setAttribute("messaging.destination.name", record.topic())
            .setAttribute("messaging.consumer.group.name", consumer)
            .setAttribute("messaging.kafka.offset", record.offset())
            .setAttribute("tessera.parked", true)
            .startSpan();
    // Parked where its user's shard is (each database drains its own): the same shard again.
    int shard =
        handlers.stream()
            .map(set -> set.userOf(record.value()))
            .flatMap(Optional::stream)
            .findFirst()
            .map(Shards::ofUser)
            .orElse(NO_SHARD);
    return applyParked(session, consumer, record, shard, registration, span)
        .map(
            applied ->
                applied
                    .<Supplier<Uni<Void>>>map(event -> () -> afterCommit(matching.get(), event))
                    .orElse(NOTHING_AFTER_COMMIT))
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

  /** The event, if this applied it (not if it was applied before). */
  private <E extends IntegrationEvent> Uni<Optional<ReceivedEvent<?>>> applyParked(
      Mutiny.Session session,
      String consumer,
      ConsumerRecord<String, String> record,
      int shard,
      EventHandlers.Registration<E> registration,
      Span span) {
    ReceivedEvent<E> event;
    try {
      event = decode(record, registration);
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(e);
    }
    return MARK_APPLIED
        .on(session, shard)
        .setParameter("consumer", consumer)
        .setParameter("id", event.id())
        .setParameter("type", event.type().name())
        .executeUpdate()
        .chain(
            inserted -> {
              if (inserted == 0) {
                span.setAttribute("tessera.outcome", "duplicate");
                return Uni.createFrom().item(Optional.empty());
              }
              return handle(session, registration, event, span).replaceWith(Optional.of(event));
            });
  }

  private static ConsumerRecord<String, String> parkedRecord(
      String topic, int partition, long offset, Object[] row) {
    ConsumerRecord<String, String> record =
        new ConsumerRecord<>(topic, partition, offset, (String) row[0], (String) row[3]);
    Headers headers = record.headers();
    addHeader(headers, EventHeaders.ID, (String) row[1]);
    addHeader(headers, EventHeaders.EVENT_TYPE, (String) row[2]);
    addHeader(headers, EventHeaders.TRACEPARENT, (String) row[4]);
    return record;
  }

  private static void addHeader(Headers headers, String name, String value) {
    if (value != null) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String keyOf(ConsumerRecord<String, String> record) {
    // Keys are aggregate ids; a record without one is ordered with the other keyless ones.
    return record.key() == null ? "" : truncate(record.key(), 255);
  }

  private static String truncate(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
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
