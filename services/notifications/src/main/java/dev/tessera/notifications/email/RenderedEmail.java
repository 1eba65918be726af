package dev.tessera.notifications.email;

/**
 * An e-mail ready to send.
 *
 * @param subject the subject line
 * @param text the plain-text part
 * @param html the HTML part
 */
public record RenderedEmail(String subject, String text, String html) {}
