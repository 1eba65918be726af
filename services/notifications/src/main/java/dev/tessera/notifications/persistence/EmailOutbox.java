package dev.tessera.notifications.persistence;

import dev.tessera.eventing.AsyncCommit;
import dev.tessera.notifications.domain.EmailPreferences;
import dev.tessera.notifications.domain.NotificationKind;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The e-mails waiting to be sent, claimed by senders with {@code for update skip locked} so that
 * several instances never send the same one at once.
 */
@ApplicationScoped
public class EmailOutbox {

  // The claim moves next_attempt_at forward by the lease: a sender that dies before it records the
  // outcome leaves the row to come due again, never stuck. Only kinds this release can render are
  // claimed: a kind a newer release added waits, pending, for an instance of that release (version
  // skew, docs/upgrades.md), instead of failing here for good.
  private static final String CLAIM_DUE =
      "with due as ("
          + " select id from email_outbox"
          + " where status = 'pending' and next_attempt_at <= now() and kind = any($3)"
          + " order by next_attempt_at limit $1 for update skip locked),"
          + " claimed as ("
          + " update email_outbox o set attempts = o.attempts + 1,"
          + " next_attempt_at = now() + make_interval(secs => $2)"
          + " from due where o.id = due.id"
          + " returning o.id, o.event_id, o.user_id, o.kind, o.model::text as model,"
          + " o.message_id, o.attempts, o.created_at, o.traceparent)"
          + " select c.*, r.email, r.display_name, p.account, p.orders, p.payments"
          + " from claimed c"
          + " left join recipient r on r.user_id = c.user_id"
          + " left join email_preference p on p.user_id = c.user_id";

  private static final Logger LOG = Logger.getLogger(EmailOutbox.class);

  private static final String[] KNOWN_KINDS =
      Arrays.stream(NotificationKind.values()).map(NotificationKind::code).toArray(String[]::new);

  private final Pool pool;

  EmailOutbox(Pool pool) {
    this.pool = pool;
  }

  /** Claims up to {@code limit} due e-mails for {@code lease}. */
  public Uni<List<PendingEmail>> claimDue(int limit, Duration lease) {
    return pool.preparedQuery(CLAIM_DUE)
        .execute(Tuple.of(limit, lease.toMillis() / 1000.0, KNOWN_KINDS))
        .map(
            rows -> {
              List<PendingEmail> claimed = new ArrayList<>();
              for (Row row : rows) {
                try {
                  claimed.add(toPending(row));
                } catch (RuntimeException e) {
                  unreadable(row.getUUID("id"), e);
                }
              }
              return claimed;
            });
  }

  /**
   * Records that the e-mail went out, committing asynchronously: a mark lost in a crash of
   * PostgreSQL only sends the e-mail again when its claim's lease passes, with the same Message-ID,
   * as a crash of this service between the send and the mark does (see {@link AsyncCommit}).
   */
  public Uni<Void> markSent(PendingEmail email) {
    return update(
        AsyncCommit.CTE
            + "update email_outbox set status = 'sent', sent_at = now(), last_error = null"
            + " from async_commit where id = $1",
        Tuple.of(email.id()));
  }

  /** Records that the e-mail is not sent, because the user does not want it. */
  public Uni<Void> markSkipped(PendingEmail email, String reason) {
    return update(
        "update email_outbox set status = 'skipped', last_error = $2 where id = $1",
        Tuple.of(email.id(), reason));
  }

  /** Gives the e-mail up after its last failed attempt. */
  public Uni<Void> markFailed(PendingEmail email, String error) {
    return update(
        "update email_outbox set status = 'failed', last_error = $2 where id = $1",
        Tuple.of(email.id(), error));
  }

  /** Makes a failed attempt due again after {@code delay}. */
  public Uni<Void> retryLater(PendingEmail email, Duration delay, String error) {
    return update(
        "update email_outbox set next_attempt_at = now() + make_interval(secs => $2),"
            + " last_error = $3 where id = $1",
        Tuple.of(email.id(), delay.toMillis() / 1000.0, error));
  }

  /**
   * Defers an e-mail whose recipient is not known yet: this did not count as an attempt, and the
   * recipient's arrival makes it due at once.
   */
  public Uni<Void> awaitRecipient(PendingEmail email, Duration recheck) {
    return update(
        "update email_outbox set attempts = attempts - 1,"
            + " next_attempt_at = now() + make_interval(secs => $2),"
            + " last_error = 'recipient not known yet' where id = $1",
        Tuple.of(email.id(), recheck.toMillis() / 1000.0));
  }

  /** A row this build cannot read: given up at once, so it neither blocks nor loops. */
  private void unreadable(UUID id, RuntimeException e) {
    LOG.errorf(e, "e-mail %s cannot be read, giving it up", id);
    update(
            "update email_outbox set status = 'failed', last_error = $2 where id = $1",
            Tuple.of(id, "unreadable: " + e))
        .subscribe()
        .with(ignored -> {}, failure -> LOG.warnf("cannot give up e-mail %s: %s", id, failure));
  }

  private Uni<Void> update(String sql, Tuple parameters) {
    return pool.preparedQuery(sql).execute(parameters).replaceWithVoid();
  }

  private static PendingEmail toPending(Row row) {
    String email = row.getString("email");
    Optional<PendingEmail.Recipient> recipient =
        email == null
            ? Optional.empty()
            : Optional.of(new PendingEmail.Recipient(email, row.getString("display_name")));
    Boolean account = row.getBoolean("account");
    EmailPreferences preferences =
        account == null
            ? EmailPreferences.DEFAULT
            : new EmailPreferences(account, row.getBoolean("orders"), row.getBoolean("payments"));
    Map<String, String> values = new HashMap<>();
    new JsonObject(row.getString("model"))
        .forEach(entry -> values.put(entry.getKey(), String.valueOf(entry.getValue())));
    String kind = row.getString("kind");
    return new PendingEmail(
        row.getUUID("id"),
        row.getUUID("event_id"),
        row.getUUID("user_id"),
        NotificationKind.fromCode(kind)
            .orElseThrow(() -> new IllegalStateException("unknown kind " + kind)),
        values,
        row.getString("message_id"),
        row.getInteger("attempts"),
        recipient,
        preferences,
        row.getOffsetDateTime("created_at").toInstant(),
        row.getString("traceparent"));
  }
}
