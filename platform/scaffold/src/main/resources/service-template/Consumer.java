{{#consumesAny}}
package dev.tessera.{{service}}.events;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.ReceivedEvent;
import dev.tessera.{{service}}.persistence.ReceivedEvents;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The events {{service}} reads, each applied once (platform/eventing's idempotent consumer: the
 * handler's writes and the inbox record commit in one transaction, a redelivery changes nothing, a
 * failure is retried and a poison record dead-lettered). The handlers only record what they saw:
 * replace them with what {{service}} does, and drop the types it does not need (they are then
 * acknowledged and skipped).
 */
@ApplicationScoped
@Startup
public class {{Service}}EventsConsumer {

  /** The name keying this consumer's inbox rows; it must never change. */
  public static final String CONSUMER = "{{service}}";

  private final IdempotentConsumer consumer;
  private final ReceivedEvents received;
{{#consumes}}

  private final EventHandlers {{handlers}};
{{/consumes}}

  {{Service}}EventsConsumer(IdempotentConsumer consumer, ReceivedEvents received) {
    this.consumer = consumer;
    this.received = received;
{{#consumes}}
    this.{{handlers}} =
        EventHandlers.consumer(CONSUMER)
{{#types}}
            .on(EventTypes.{{TYPE}}, this::record)
{{/types}}
            .build();
    consumer.register({{handlers}});
{{/consumes}}
  }
{{#consumes}}

  @Incoming("{{channel}}")
  Uni<Void> on{{Channel}}Event(ConsumerRecord<String, String> record) {
    return consumer.process(record, {{handlers}});
  }
{{/consumes}}

  private <E extends IntegrationEvent> Uni<Void> record(
      Mutiny.Session session, ReceivedEvent<E> event) {
    return received.record(session, event);
  }
}
{{/consumesAny}}
