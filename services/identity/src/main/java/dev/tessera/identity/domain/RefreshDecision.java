package dev.tessera.identity.domain;

import java.time.Instant;

/**
 * What presenting a refresh token means, given what is stored about it. A token that was already
 * rotated (or revoked) and comes back is a replay: someone holds a copy, so its whole family dies.
 */
public enum RefreshDecision {
  /** Unknown token: refuse. */
  UNKNOWN,
  /** Rotated or revoked before: refuse and revoke the whole family. */
  REUSED,
  /** Past its expiry: refuse. */
  EXPIRED,
  /** Rotate: mark this one used and issue the next of its family. */
  ROTATE;

  /** Decides from the stored state of the presented token ({@code found=false}: none stored). */
  public static RefreshDecision decide(
      boolean found, Instant usedAt, Instant revokedAt, Instant expiresAt, Instant now) {
    if (!found) {
      return UNKNOWN;
    }
    if (usedAt != null || revokedAt != null) {
      return REUSED;
    }
    if (!now.isBefore(expiresAt)) {
      return EXPIRED;
    }
    return ROTATE;
  }
}
