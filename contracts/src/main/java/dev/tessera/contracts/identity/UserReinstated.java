package dev.tessera.contracts.identity;

import dev.tessera.contracts.IntegrationEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An administrator lifted a user's suspension: the user may log in again. Tokens the suspension
 * revoked stay revoked.
 *
 * @param userId the reinstated user
 * @param reinstatedAt when the suspension was lifted
 */
public record UserReinstated(UUID userId, Instant reinstatedAt) implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public UserReinstated {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(reinstatedAt, "reinstatedAt");
  }

  @Override
  public String aggregateId() {
    return userId.toString();
  }
}
