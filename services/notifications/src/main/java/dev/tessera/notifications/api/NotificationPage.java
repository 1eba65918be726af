package dev.tessera.notifications.api;

import java.util.List;

/**
 * One page of a user's notifications, newest first.
 *
 * @param items the notifications
 * @param nextCursor pass as {@code cursor} for the next page; null on the last page
 */
public record NotificationPage(List<NotificationView> items, String nextCursor) {}
