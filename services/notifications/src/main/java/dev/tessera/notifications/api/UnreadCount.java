package dev.tessera.notifications.api;

/**
 * How many of the caller's notifications are unread.
 *
 * @param unread the count
 */
public record UnreadCount(long unread) {}
