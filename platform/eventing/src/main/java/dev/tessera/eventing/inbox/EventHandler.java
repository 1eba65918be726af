package dev.tessera.eventing.inbox;

import dev.tessera.contracts.IntegrationEvent;
import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Applies one received event. Everything it does through {@code session} commits in one transaction
 * with the record that the event was applied, so a redelivery changes nothing.
 *
 * <p>Throwing or failing is retried with backoff (in a fresh transaction); a {@link
 * PermanentEventFailure} goes straight to the dead-letter topic.
 */
@FunctionalInterface
public interface EventHandler<E extends IntegrationEvent> {

  /** Applies {@code event} inside the transaction that {@code session} has open. */
  Uni<Void> handle(Mutiny.Session session, ReceivedEvent<E> event);
}
