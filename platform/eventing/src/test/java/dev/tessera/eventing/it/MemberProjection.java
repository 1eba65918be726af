package dev.tessera.eventing.it;

import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.NotUnderstoodYet;
import dev.tessera.eventing.inbox.PermanentEventFailure;
import dev.tessera.eventing.inbox.ReceivedEvent;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * A consumer under test: projects UserRegistered into {@code member}. Display names steer its
 * failures: {@code flaky-N} fails the first N attempts, {@code always-fails} fails every time, a
 * name starting with {@code needs-fix-} fails until the test calls {@link #fix}, and one starting
 * with {@code needs-release-} is not understood ({@link NotUnderstoodYet}) until the test calls
 * {@link #fix}, as by a newer release. After each commit it notes whether the member was then
 * visible to another session; {@code after-commit-fails} fails that step.
 */
@ApplicationScoped
public class MemberProjection {

  /** Handler invocations per event id, across every delivery: retries and redeliveries. */
  public final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();

  private final Set<String> fixed = ConcurrentHashMap.newKeySet();

  /** Records received per event id header, on both channels. */
  public final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

  /**
   * Per event id, what the after-commit step saw each time it ran: whether the member was visible
   * to a session of its own (committed).
   */
  public final Map<UUID, List<Boolean>> afterCommits = new ConcurrentHashMap<>();

  private final IdempotentConsumer consumer;
  private final Mutiny.SessionFactory sessionFactory;
  private final EventHandlers handlers =
      EventHandlers.consumer("members")
          .on(EventTypes.USER_REGISTERED, this::project)
          .afterCommit(this::afterCommit)
          .build();

  MemberProjection(IdempotentConsumer consumer, Mutiny.SessionFactory sessionFactory) {
    this.consumer = consumer;
    this.sessionFactory = sessionFactory;
    consumer.register(handlers);
  }

  /** What the after-commit step saw for this event, once per run. */
  public List<Boolean> afterCommitsOf(String eventId) {
    return afterCommits.getOrDefault(UUID.fromString(eventId), List.of());
  }

  private Uni<Void> afterCommit(ReceivedEvent<?> event) {
    UserRegistered user = (UserRegistered) event.payload();
    return sessionFactory
        .withSession(session -> session.find(Member.class, user.userId()))
        .invoke(
            member ->
                afterCommits
                    .computeIfAbsent(event.id(), id -> new CopyOnWriteArrayList<>())
                    .add(member != null))
        .invoke(
            ignored -> {
              if (user.displayName().equals("after-commit-fails")) {
                throw new IllegalStateException("the step after the commit failed");
              }
            })
        .replaceWithVoid();
  }

  @Incoming("users")
  Uni<Void> onUserEvent(ConsumerRecord<String, String> record) {
    countDelivery(record);
    return consumer.process(record, handlers);
  }

  /** The same topic again under another consumer group: every event is delivered twice. */
  @Incoming("users-replay")
  Uni<Void> onUserEventAgain(ConsumerRecord<String, String> record) {
    countDelivery(record);
    return consumer.process(record, handlers);
  }

  /**
   * The handlers the channels use, for a test that drives the idempotent consumer with a Kafka
   * consumer of its own.
   */
  public EventHandlers handlers() {
    return handlers;
  }

  /** Fixes the bug that fails the projection of {@code displayName} ({@code needs-fix-…}). */
  public void fix(String displayName) {
    fixed.add(displayName);
  }

  /** How many times the record with this event id header was received. */
  public int deliveriesOf(String eventId) {
    AtomicInteger count = deliveries.get(eventId);
    return count == null ? 0 : count.get();
  }

  /** How many times the handler ran for this event. */
  public int attemptsOf(String eventId) {
    AtomicInteger count = attempts.get(UUID.fromString(eventId));
    return count == null ? 0 : count.get();
  }

  private void countDelivery(ConsumerRecord<String, String> record) {
    var id = record.headers().lastHeader(EventHeaders.ID);
    String key = id == null ? "none" : new String(id.value(), StandardCharsets.UTF_8);
    deliveries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  private Uni<Void> project(Mutiny.Session session, ReceivedEvent<UserRegistered> event) {
    int attempt = attempts.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
    String displayName = event.payload().displayName();
    if (displayName.equals("always-fails")) {
      return Uni.createFrom().failure(new IllegalStateException("projection is broken"));
    }
    if (displayName.startsWith("needs-fix-") && !fixed.contains(displayName)) {
      return Uni.createFrom().failure(new IllegalStateException("projection bug, not fixed yet"));
    }
    if (displayName.startsWith("needs-release-") && !fixed.contains(displayName)) {
      return Uni.createFrom().failure(new NotUnderstoodYet("a newer release's display name"));
    }
    if (displayName.equals("invalid")) {
      return Uni.createFrom().failure(new PermanentEventFailure("display name not allowed"));
    }
    if (displayName.startsWith("flaky-")
        && attempt <= Integer.parseInt(displayName.substring("flaky-".length()))) {
      return Uni.createFrom().failure(new IllegalStateException("transient failure " + attempt));
    }
    Member member = new Member();
    member.userId = event.payload().userId();
    member.email = event.payload().email();
    member.displayName = displayName;
    member.traceId = Span.current().getSpanContext().getTraceId();
    return session.persist(member);
  }
}
