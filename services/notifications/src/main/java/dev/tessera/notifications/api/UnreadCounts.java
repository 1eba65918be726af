package dev.tessera.notifications.api;

import dev.tessera.cache.Caches;
import dev.tessera.cache.TieredCache;
import dev.tessera.notifications.events.UnreadChanges;
import dev.tessera.notifications.persistence.NotificationQueries;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * A user's unread-notification count through the two-tier cache (platform/cache): a badge that
 * clients poll. Forgotten on every instance when a notification is recorded for the user (an event
 * consumed) or marked read (the API), once committed. Keyed by the user of the token, so nobody
 * reads another user's count.
 */
@ApplicationScoped
public class UnreadCounts implements UnreadChanges {

  private final NotificationQueries queries;
  private final TieredCache<UnreadCount> counts;

  UnreadCounts(NotificationQueries queries, Caches caches) {
    this.queries = queries;
    this.counts = caches.create("unread-count", UnreadCount.class);
  }

  /** {@code userId}'s unread count. */
  public Uni<UnreadCount> of(UUID userId) {
    return counts.get(userId.toString(), () -> queries.unreadCount(userId).map(UnreadCount::new));
  }

  @Override
  public Uni<Void> changed(UUID userId) {
    return counts.invalidate(userId.toString());
  }
}
