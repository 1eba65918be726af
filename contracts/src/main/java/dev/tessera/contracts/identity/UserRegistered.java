package dev.tessera.contracts.identity;

import dev.tessera.contracts.IntegrationEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A user signed up.
 *
 * @param userId the new user's id
 * @param email the address the user signed up with
 * @param displayName the name shown to other people
 * @param registeredAt when the account was created
 */
public record UserRegistered(UUID userId, String email, String displayName, Instant registeredAt)
    implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public UserRegistered {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(registeredAt, "registeredAt");
    if (email.isEmpty() || displayName.isEmpty()) {
      throw new IllegalArgumentException("email and displayName must not be empty");
    }
  }

  @Override
  public String aggregateId() {
    return userId.toString();
  }
}
