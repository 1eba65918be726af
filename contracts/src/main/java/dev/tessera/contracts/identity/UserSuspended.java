package dev.tessera.contracts.identity;

import dev.tessera.contracts.IntegrationEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An administrator suspended a user, whose tokens are now revoked.
 *
 * @param userId the suspended user
 * @param reason why, as the administrator wrote it
 * @param suspendedAt when the suspension took effect
 */
public record UserSuspended(UUID userId, String reason, Instant suspendedAt)
    implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public UserSuspended {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(suspendedAt, "suspendedAt");
    if (reason.isEmpty()) {
      throw new IllegalArgumentException("reason must not be empty");
    }
  }

  @Override
  public String aggregateId() {
    return userId.toString();
  }
}
