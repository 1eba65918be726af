package dev.tessera.identity.domain;

import java.time.Instant;

/**
 * The user-wide cut-off: every token whose {@code iat} is before it is revoked. It is the second
 * after the change, so that tokens issued in the same second as the change die too; tokens issued
 * afterwards get {@code iat} no earlier than the cut-off (see {@link AccessTokenClaims#issue}).
 */
public final class RevocationCutoff {

  private RevocationCutoff() {}

  /** The cut-off for a change made at {@code now}. */
  public static Instant after(Instant now) {
    return Instant.ofEpochSecond(now.getEpochSecond() + 1);
  }

  /** Whether a token issued at {@code issuedAtEpochSeconds} dies under {@code cutoff}. */
  public static boolean revokes(long cutoffEpochSeconds, long issuedAtEpochSeconds) {
    return issuedAtEpochSeconds < cutoffEpochSeconds;
  }
}
