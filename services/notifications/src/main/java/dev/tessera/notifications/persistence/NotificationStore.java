package dev.tessera.notifications.persistence;

import dev.tessera.eventing.Tracing;
import dev.tessera.notifications.domain.MessageIds;
import dev.tessera.notifications.domain.NotificationDraft;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
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

  // The double cast: a text parameter parsed as JSON (a bare string would be stored as a JSON
  // string).
  private static final String INSERT_EMAIL =
      "insert into email_outbox (id, event_id, user_id, category, kind, model, message_id,"
          + " traceparent) values (:id, :eventId, :userId, :category, :kind,"
          + " cast(cast(:model as text) as jsonb), :messageId, :traceparent)"
          + " on conflict (event_id) do nothing";

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
   * Records the in-app notification of event {@code eventId} and its e-mail, to be sent after
   * commit; returns whether they were new (a second call for one event changes nothing).
   */
  public Uni<Boolean> record(Mutiny.Session session, UUID eventId, NotificationDraft draft) {
    UUID id = UUID.randomUUID();
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
                return Uni.createFrom().item(false);
              }
              return session
                  .createNativeQuery(INSERT_EMAIL)
                  .setParameter("id", id)
                  .setParameter("eventId", eventId)
                  .setParameter("userId", draft.userId())
                  .setParameter("category", draft.category().code())
                  .setParameter("kind", draft.kind().code())
                  .setParameter("model", new JsonObject(Map.copyOf(draft.values())).encode())
                  .setParameter("messageId", MessageIds.forEvent(eventId))
                  // The consumer's span: sending the e-mail later continues the event's trace.
                  .setParameter("traceparent", Tracing.traceparent(Span.current().getSpanContext()))
                  .executeUpdate()
                  .replaceWith(true);
            });
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
