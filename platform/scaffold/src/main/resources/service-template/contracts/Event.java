{{#publishes}}
package dev.tessera.contracts.{{service}};

import dev.tessera.contracts.IntegrationEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A user created a {{aggregate}} (written by ./tessera new-service: add what consumers need, by the
 * rules of contracts/README.md, before the first release).
 *
 * @param {{aggregate}}Id the new {{aggregate}}
 * @param userId its owner
 * @param name what the user calls it
 * @param createdAt when it was created
 */
public record {{Aggregate}}Created(UUID {{aggregate}}Id, UUID userId, String name, Instant createdAt)
    implements IntegrationEvent {

  /** Checks the rules its schema states, so a producer cannot write what consumers reject. */
  public {{Aggregate}}Created {
    Objects.requireNonNull({{aggregate}}Id, "{{aggregate}}Id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    if (name.isEmpty() || name.length() > 200) {
      throw new IllegalArgumentException("name must have 1 to 200 characters");
    }
  }

  @Override
  public String aggregateId() {
    return {{aggregate}}Id.toString();
  }
}
{{/publishes}}
