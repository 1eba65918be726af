package dev.tessera.orders.events;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.ReceivedEvent;
import dev.tessera.orders.persistence.UserProjection;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;

/** Keeps orders' own projection of identity's users, to refuse orders of suspended users. */
@ApplicationScoped
@Startup
public class UserEventsConsumer {

  /** Keys this consumer's rows in the inbox: never rename it. */
  public static final String CONSUMER = "orders-users";

  private final IdempotentConsumer consumer;
  private final UserProjection users;
  private final EventHandlers handlers =
      EventHandlers.consumer(CONSUMER)
          // Each payment and user event names its user: applied where the user's shard is.
          .routedByUser("userId")
          .on(EventTypes.USER_REGISTERED, this::onRegistered)
          .on(EventTypes.USER_SUSPENDED, this::onSuspended)
          .on(EventTypes.USER_REINSTATED, this::onReinstated)
          .build();

  UserEventsConsumer(IdempotentConsumer consumer, UserProjection users) {
    this.consumer = consumer;
    this.users = users;
    consumer.register(handlers);
  }

  @Incoming("identity-events")
  Uni<Void> onIdentityEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, handlers);
  }

  private Uni<Void> onRegistered(Mutiny.Session session, ReceivedEvent<UserRegistered> event) {
    return users.registered(session, event.payload().userId(), event.payload().registeredAt());
  }

  private Uni<Void> onSuspended(Mutiny.Session session, ReceivedEvent<UserSuspended> event) {
    return users.suspended(session, event.payload().userId(), event.payload().suspendedAt());
  }

  private Uni<Void> onReinstated(Mutiny.Session session, ReceivedEvent<UserReinstated> event) {
    return users.reinstated(session, event.payload().userId(), event.payload().reinstatedAt());
  }
}
