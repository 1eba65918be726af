package dev.tessera.billing.events;

import dev.tessera.billing.payments.OrderPayments;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.ReceivedEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;

/** Consumes identity.user.events (group {@code billing}): a new user gets a billing account. */
@ApplicationScoped
@Startup
public class UserEventsConsumer {

  /** Inbox consumer name: keys the de-duplication rows, so it never changes. */
  public static final String CONSUMER = "billing-users";

  private final IdempotentConsumer consumer;
  private final OrderPayments orderPayments;
  private final EventHandlers handlers;

  UserEventsConsumer(IdempotentConsumer consumer, OrderPayments orderPayments) {
    this.consumer = consumer;
    this.orderPayments = orderPayments;
    this.handlers =
        EventHandlers.consumer(CONSUMER).on(EventTypes.USER_REGISTERED, this::registered).build();
    consumer.register(handlers);
  }

  @Incoming("identity-events")
  Uni<Void> onUserEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, handlers);
  }

  private Uni<Void> registered(Mutiny.Session session, ReceivedEvent<UserRegistered> event) {
    return orderPayments.userRegistered(session, event.payload().userId());
  }
}
