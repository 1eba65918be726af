package dev.tessera.notifications.events;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.eventing.inbox.EventHandlers;
import dev.tessera.eventing.inbox.IdempotentConsumer;
import dev.tessera.eventing.inbox.PermanentEventFailure;
import dev.tessera.eventing.inbox.ReceivedEvent;
import dev.tessera.notifications.domain.NotificationDraft;
import dev.tessera.notifications.email.EmailSender;
import dev.tessera.notifications.persistence.NotificationStore;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Turns the user-facing events of identity, orders and billing into in-app notifications and
 * e-mails. The notification, its e-mail row and the inbox record commit in one transaction; the
 * e-mail goes out after that commit.
 */
@ApplicationScoped
@Startup
public class NotificationEventsConsumer {

  /** The name keying this consumer's inbox rows; it must never change. */
  public static final String CONSUMER = "notifications";

  private final IdempotentConsumer consumer;
  private final NotificationStore store;
  private final EmailSender sender;
  private final UnreadChanges unread;

  private final EventHandlers identityHandlers =
      EventHandlers.consumer(CONSUMER)
          .on(EventTypes.USER_REGISTERED, this::onUserRegistered)
          .on(EventTypes.USER_SUSPENDED, this::onUserSuspended)
          .on(EventTypes.USER_REINSTATED, this::onUserReinstated)
          .afterCommit(this::afterCommit)
          .build();

  private final EventHandlers orderHandlers =
      EventHandlers.consumer(CONSUMER)
          .on(EventTypes.ORDER_CONFIRMED, this::notifyUser)
          .on(EventTypes.ORDER_CANCELLED, this::notifyUser)
          .afterCommit(this::afterCommit)
          .build();

  private final EventHandlers paymentHandlers =
      EventHandlers.consumer(CONSUMER)
          .on(EventTypes.PAYMENT_FAILED, this::notifyUser)
          .on(EventTypes.PAYMENT_REFUNDED, this::notifyUser)
          .afterCommit(this::afterCommit)
          .build();

  NotificationEventsConsumer(
      IdempotentConsumer consumer,
      NotificationStore store,
      EmailSender sender,
      UnreadChanges unread) {
    this.consumer = consumer;
    this.store = store;
    this.sender = sender;
    this.unread = unread;
    consumer.register(identityHandlers);
    consumer.register(orderHandlers);
    consumer.register(paymentHandlers);
  }

  @Incoming("identity-events")
  Uni<Void> onIdentityEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, identityHandlers);
  }

  @Incoming("orders-events")
  Uni<Void> onOrderEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, orderHandlers);
  }

  @Incoming("billing-events")
  Uni<Void> onPaymentEvent(ConsumerRecord<String, String> record) {
    return consumer.process(record, paymentHandlers);
  }

  /**
   * Once a notification is committed: its user's cached unread count is forgotten everywhere, and
   * its e-mail goes out. Only for events applied here, not for the many a topic carries that no
   * notification follows (an order's OrderPlaced, a PaymentSucceeded).
   */
  private Uni<Void> afterCommit(ReceivedEvent<?> event) {
    return EventMapping.draftFor(event.payload())
        .map(draft -> unread.changed(draft.userId()))
        .orElseGet(() -> Uni.createFrom().voidItem())
        .invoke(sender::sendDueSoon);
  }

  private Uni<Void> onUserRegistered(Mutiny.Session session, ReceivedEvent<UserRegistered> event) {
    UserRegistered user = event.payload();
    return store
        .rememberRecipient(session, user.userId(), user.email(), user.displayName())
        .chain(() -> notifyUser(session, event));
  }

  private Uni<Void> onUserSuspended(Mutiny.Session session, ReceivedEvent<UserSuspended> event) {
    UserSuspended suspension = event.payload();
    return store
        .markSuspended(session, suspension.userId(), suspension.suspendedAt())
        .chain(() -> notifyUser(session, event));
  }

  private Uni<Void> onUserReinstated(Mutiny.Session session, ReceivedEvent<UserReinstated> event) {
    UserReinstated reinstatement = event.payload();
    return store
        .markReinstated(session, reinstatement.userId(), reinstatement.reinstatedAt())
        .chain(() -> notifyUser(session, event));
  }

  private <E extends IntegrationEvent> Uni<Void> notifyUser(
      Mutiny.Session session, ReceivedEvent<E> event) {
    NotificationDraft draft =
        EventMapping.draftFor(event.payload())
            .orElseThrow(
                () -> new PermanentEventFailure("no notification for " + event.type().name()));
    return store.record(session, event.id(), draft).replaceWithVoid();
  }
}
