package dev.tessera.notifications.persistence;

import dev.tessera.notifications.domain.EmailPreferences;
import dev.tessera.notifications.domain.NotificationKind;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An e-mail a sender has claimed, with what it needs to decide and render it.
 *
 * @param id the e-mail's (and its notification's) id
 * @param eventId the event it is for
 * @param userId its recipient
 * @param kind what it is about
 * @param values the template values recorded with it
 * @param messageId its Message-ID header
 * @param attempt this attempt's number, 1 for the first
 * @param recipient the address and name, if the user is known yet
 * @param preferences the user's e-mail preferences (defaults when never chosen)
 * @param createdAt when the notification was recorded: the start of the e-mail's latency
 * @param traceparent the trace of the event that asked for it, or null
 */
public record PendingEmail(
    UUID id,
    UUID eventId,
    UUID userId,
    NotificationKind kind,
    Map<String, String> values,
    String messageId,
    int attempt,
    Optional<Recipient> recipient,
    EmailPreferences preferences,
    Instant createdAt,
    String traceparent) {

  /**
   * Where the e-mail goes.
   *
   * @param email the address
   * @param displayName the name to greet
   */
  public record Recipient(String email, String displayName) {}
}
