package dev.tessera.notifications.events;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * Told when a committed change may alter a user's unread notifications (one was recorded), so that
 * the API's cached count is forgotten on every instance.
 */
public interface UnreadChanges {

  /** {@code userId}'s unread notifications changed; never fails. */
  Uni<Void> changed(UUID userId);
}
