package dev.tessera.notifications.domain;

import java.util.UUID;

/**
 * The RFC 5322 Message-ID of the e-mail for an event. It is derived from the event id, so every
 * attempt to send that e-mail — a retry after a failure, or a resend after a crash between the SMTP
 * send and the record that it was sent — carries the same id, and receivers can drop the copy.
 */
public final class MessageIds {

  /** The right-hand side of every Message-ID this service writes. */
  public static final String DOMAIN = "notifications.tessera.dev";

  private MessageIds() {}

  /** {@code <event-id@notifications.tessera.dev>}. */
  public static String forEvent(UUID eventId) {
    return "<" + eventId + "@" + DOMAIN + ">";
  }
}
