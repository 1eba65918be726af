package dev.tessera.notifications.persistence;

import dev.tessera.eventing.Tracing;
import dev.tessera.notifications.domain.EmailPreferences;
import dev.tessera.notifications.domain.MessageIds;
import dev.tessera.notifications.domain.NotificationDraft;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Writes of the event handlers, all inside the transaction that the idempotent consumer opened for
 * the event, so they commit together with its inbox record.
 */
@ApplicationScoped
public class NotificationStore {

  private static final String INSERT_NOTIFICATION =
      "insert into notification (id, event_id, user_id, category, kind, title, body)"
          + " values (:id, :eventId, :userId, :category, :kind, :title, :body)"
          + " on conflict (event_id) do nothing";

  // Recorded already claimed for its first attempt (attempts 1, due again only once the lease has
  // passed, as a sender's claim leaves it). The step after the commit sends it without a claim of
  // its own; if that never happens (the process dies), the retry job takes it after the lease. The
  // double cast: a text parameter parsed as JSON (a bare string would be stored as a JSON string).
  private static final String INSERT_EMAIL_CLAIMED =
      "insert into email_outbox (id, event_id, user_id, category, kind, model, message_id,"
          + " traceparent, attempts, next_attempt_at) values (:id, :eventId, :userId, :category,"
          + " :kind, cast(cast(:model as text) as jsonb), :messageId, :traceparent, 1,"
          + " now() + make_interval(secs => :leaseSeconds)) on conflict (event_id) do nothing";

  // What sending needs, read in the same transaction: the recipient's address and preferences. A
  // query of its own, not a `returning` of the insert: Hibernate Reactive (3.2) never finds the
  // cached plan of a native query that returns rows (its result-set mapping has no equals), so each
  // execution added a plan under the same hash to the plan cache, which every later lookup walked
  // (7 % of notifications' CPU under load); this one's plan is built once.
  private static final String RECIPIENT =
      "select r.email, r.displayName, p.account, p.orders, p.payments from RecipientEntity r"
          + " left join EmailPreferenceEntity p on p.userId = r.userId where r.userId = :userId";

  private static final String UPSERT_RECIPIENT =
      "insert into recipient (user_id, email, display_name) values (:userId, :email, :name)"
          + " on conflict (user_id) do update set email = excluded.email,"
          + " display_name = excluded.display_name, updated_at = now()";

  // E-mails that waited for this recipient become due at once.
  private static final String WAKE_DEFERRED =
      "update email_outbox set next_attempt_at = now()"
          + " where user_id = :userId and status = 'pending' and next_attempt_at > now()";

  private static final String SUSPEND_RECIPIENT =
      "update recipient set suspended_at = :at, updated_at = now() where user_id = :userId";

  // Only a suspension it lifts: one that came after it (a replayed dead letter) stays.
  private static final String REINSTATE_RECIPIENT =
      "update recipient set suspended_at = null, updated_at = now()"
          + " where user_id = :userId and suspended_at <= :at";

  /**
   * Records the in-app notification of event {@code eventId} and its e-mail, claimed for its first
   * attempt for {@code lease}; returns that e-mail, to be sent after the commit, or nothing when
   * the notification was recorded before (a second call for one event changes nothing).
   */
  public Uni<Optional<PendingEmail>> record(
      Mutiny.Session session, UUID eventId, NotificationDraft draft, Duration lease) {
    UUID id = UUID.randomUUID();
    // The consumer's span: sending the e-mail, now or on a retry, continues the event's trace.
    String traceparent = Tracing.traceparent(Span.current().getSpanContext());
    String messageId = MessageIds.forEvent(eventId);
    return session
        .createNativeQuery(INSERT_NOTIFICATION)
        .setParameter("id", id)
        .setParameter("eventId", eventId)
        .setParameter("userId", draft.userId())
        .setParameter("category", draft.category().code())
        .setParameter("kind", draft.kind().code())
        .setParameter("title", draft.title())
        .setParameter("body", draft.body())
        .executeUpdate()
        .chain(
            inserted -> {
              if (inserted == 0) {
                return Uni.createFrom().item(Optional.<PendingEmail>empty());
              }
              return session
                  .createNativeQuery(INSERT_EMAIL_CLAIMED)
                  .setParameter("id", id)
                  .setParameter("eventId", eventId)
                  .setParameter("userId", draft.userId())
                  .setParameter("category", draft.category().code())
                  .setParameter("kind", draft.kind().code())
                  .setParameter("model", new JsonObject(Map.copyOf(draft.values())).encode())
                  .setParameter("messageId", messageId)
                  .setParameter("traceparent", traceparent)
                  .setParameter("leaseSeconds", lease.toMillis() / 1000.0)
                  .executeUpdate()
                  .chain(
                      claimed -> {
                        if (claimed == 0) {
                          return Uni.createFrom().item(Optional.<PendingEmail>empty());
                        }
                        return session
                            .createSelectionQuery(RECIPIENT, Object[].class)
                            .setParameter("userId", draft.userId())
                            .getSingleResultOrNull()
                            .map(
                                row ->
                                    Optional.of(
                                        new PendingEmail(
                                            id,
                                            eventId,
                                            draft.userId(),
                                            draft.kind(),
                                            draft.values(),
                                            messageId,
                                            1,
                                            recipient(row),
                                            preferences(row),
                                            Instant.now(),
                                            traceparent)));
                      });
            });
  }

  // No row: no recipient yet (the e-mail waits for one), and so no preferences either.
  private static Optional<PendingEmail.Recipient> recipient(Object[] row) {
    return row == null
        ? Optional.empty()
        : Optional.of(new PendingEmail.Recipient((String) row[0], (String) row[1]));
  }

  private static EmailPreferences preferences(Object[] row) {
    return row == null || row[2] == null
        ? EmailPreferences.DEFAULT
        : new EmailPreferences((Boolean) row[2], (Boolean) row[3], (Boolean) row[4]);
  }

  /** Keeps the address and name of a user, and makes e-mails that waited for them due. */
  public Uni<Void> rememberRecipient(
      Mutiny.Session session, UUID userId, String email, String displayName) {
    return session
        .createNativeQuery(UPSERT_RECIPIENT)
        .setParameter("userId", userId)
        .setParameter("email", email)
        .setParameter("name", displayName)
        .executeUpdate()
        .chain(
            () ->
                session
                    .createNativeQuery(WAKE_DEFERRED)
                    .setParameter("userId", userId)
                    .executeUpdate())
        .replaceWithVoid();
  }

  /** Notes that a user was suspended (a recipient not known yet is left alone). */
  public Uni<Void> markSuspended(Mutiny.Session session, UUID userId, Instant at) {
    return session
        .createNativeQuery(SUSPEND_RECIPIENT)
        .setParameter("userId", userId)
        .setParameter("at", at)
        .executeUpdate()
        .replaceWithVoid();
  }

  /** Notes that a user's suspension was lifted (a recipient not known yet is left alone). */
  public Uni<Void> markReinstated(Mutiny.Session session, UUID userId, Instant at) {
    return session
        .createNativeQuery(REINSTATE_RECIPIENT)
        .setParameter("userId", userId)
        .setParameter("at", at)
        .executeUpdate()
        .replaceWithVoid();
  }
}
