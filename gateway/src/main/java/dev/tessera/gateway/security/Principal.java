package dev.tessera.gateway.security;

/**
 * Who a verified access token speaks for.
 *
 * @param subject {@code sub}, the user id
 * @param tokenId {@code jti}
 * @param issuedAt {@code iat}, epoch seconds
 * @param expiresAt {@code exp}, epoch seconds
 * @param sessionId {@code sid}, the log-in session (kept through refreshes); null if absent
 */
public record Principal(
    String subject, String tokenId, long issuedAt, long expiresAt, String sessionId) {}
