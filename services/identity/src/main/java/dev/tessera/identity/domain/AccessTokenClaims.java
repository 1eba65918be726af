package dev.tessera.identity.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The claims of one access token.
 *
 * @param issuer {@code iss}
 * @param audience {@code aud}
 * @param subject {@code sub}, the user id
 * @param tokenId {@code jti}, the handle for revoking this token alone
 * @param issuedAt {@code iat}, whole seconds
 * @param expiresAt {@code exp}, whole seconds
 * @param roles {@code roles}
 * @param sessionId {@code sid}, the refresh-token family this token was issued with
 */
public record AccessTokenClaims(
    String issuer,
    String audience,
    UUID subject,
    UUID tokenId,
    Instant issuedAt,
    Instant expiresAt,
    List<Role> roles,
    UUID sessionId) {

  public AccessTokenClaims {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(sessionId, "sessionId");
    roles = List.copyOf(roles);
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("a token must expire after it is issued");
    }
  }

  /**
   * The claims of a token issued {@code now} for {@code ttl}. {@code notBefore} is the user's
   * cut-off (tokens issued before it are revoked): a token issued in the very second of a cut-off
   * gets {@code iat} = the cut-off, so it is not revoked by the change that preceded it.
   */
  public static AccessTokenClaims issue(
      String issuer,
      String audience,
      UUID subject,
      List<Role> roles,
      UUID sessionId,
      Instant now,
      Instant notBefore,
      Duration ttl) {
    Instant iat = Instant.ofEpochSecond(now.getEpochSecond());
    if (notBefore != null && notBefore.isAfter(iat)) {
      iat = notBefore;
    }
    return new AccessTokenClaims(
        issuer,
        audience,
        subject,
        UUID.randomUUID(),
        iat,
        iat.plusSeconds(ttl.toSeconds()),
        roles,
        sessionId);
  }

  /** Seconds the token still lives at {@code now}; at least 1, so a revocation entry is kept. */
  public long remainingSeconds(Instant now) {
    return Math.max(1, expiresAt.getEpochSecond() - now.getEpochSecond() + 1);
  }
}
