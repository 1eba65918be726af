{{#consumesAny}}
package dev.tessera.{{service}}.persistence;

import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.eventing.inbox.ReceivedEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * What the generated consumer does with an event: records that it saw it, in the transaction that
 * also records it in the inbox. Replace it with what {{service}} does with those events.
 */
@ApplicationScoped
public class ReceivedEvents {

  /** Records {@code event} in {@code received_event}. */
  public Uni<Void> record(Mutiny.Session session, ReceivedEvent<? extends IntegrationEvent> event) {
    return session
        .createNativeQuery(
            "insert into received_event (event_id, event_type, aggregate_id, received_at)"
                + " values (?1, ?2, ?3, ?4)")
        .setParameter(1, event.id())
        .setParameter(2, event.type().name())
        .setParameter(3, event.payload().aggregateId())
        .setParameter(4, Instant.now().truncatedTo(ChronoUnit.MICROS))
        .executeUpdate()
        .replaceWithVoid();
  }
}
{{/consumesAny}}
