package dev.tessera.eventing.it;

import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.eventing.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** A producer under test: registers a user and records UserRegistered in one transaction. */
@Path("/registrations")
public class RegistrationResource {

  private final Mutiny.SessionFactory sessionFactory;
  private final Outbox outbox;

  RegistrationResource(Mutiny.SessionFactory sessionFactory, Outbox outbox) {
    this.sessionFactory = sessionFactory;
    this.outbox = outbox;
  }

  /**
   * Registers; {@code failAfterRecording} rolls the transaction back after the event is recorded.
   */
  @POST
  public Uni<String> register(
      @QueryParam("userId") UUID userId,
      @QueryParam("displayName") String displayName,
      @QueryParam("failAfterRecording") boolean failAfterRecording) {
    Registration registration = new Registration();
    registration.userId = userId;
    registration.email = userId + "@example.com";
    return sessionFactory.withTransaction(
        session ->
            session
                .persist(registration)
                .chain(
                    () ->
                        outbox.record(
                            session,
                            new UserRegistered(
                                userId, registration.email, displayName, Instant.now())))
                .invoke(
                    eventId -> {
                      if (failAfterRecording) {
                        throw new IllegalStateException("rolled back on purpose");
                      }
                    })
                .map(UUID::toString));
  }
}
