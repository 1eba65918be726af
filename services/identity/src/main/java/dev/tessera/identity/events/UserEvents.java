package dev.tessera.identity.events;

import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.eventing.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Publishes identity's integration events through the outbox, in the caller's transaction. */
@ApplicationScoped
public class UserEvents {

  private final Outbox outbox;

  UserEvents(Outbox outbox) {
    this.outbox = outbox;
  }

  public Uni<UUID> registered(
      Mutiny.Session session, UUID userId, String email, String displayName, Instant at) {
    return outbox.record(session, new UserRegistered(userId, email, displayName, at));
  }

  public Uni<UUID> suspended(Mutiny.Session session, UUID userId, String reason, Instant at) {
    return outbox.record(session, new UserSuspended(userId, reason, at));
  }

  public Uni<UUID> reinstated(Mutiny.Session session, UUID userId, Instant at) {
    return outbox.record(session, new UserReinstated(userId, at));
  }
}
