package dev.tessera.notifications.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A notification as the API shows it.
 *
 * @param id its id, for {@code POST /api/notifications/{id}/read}
 * @param category {@code account}, {@code orders} or {@code payments}
 * @param type what happened, e.g. {@code order-confirmed}
 * @param title short title
 * @param body text
 * @param createdAt when it was created
 * @param read whether the user has read it
 * @param readAt when it was first marked read, or null
 */
public record NotificationView(
    UUID id,
    String category,
    String type,
    String title,
    String body,
    Instant createdAt,
    boolean read,
    Instant readAt) {}
