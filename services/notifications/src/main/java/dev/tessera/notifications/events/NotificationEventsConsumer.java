package dev.tessera.notifications.events;

import dev.tessera.contracts.EventCodec;
import dev.tessera.contracts.EventHeaders;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.InvalidEventException;
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
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
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
          .build();

  private final EventHandlers orderHandlers =
      EventHandlers.consumer(CONSUMER)
          .on(EventTypes.ORDER_CONFIRMED, this::notifyUser)
          .on(EventTypes.ORDER_CANCELLED, this::notifyUser)
          .build();

  private final EventHandlers paymentHandlers =
      EventHandlers.consumer(CONSUMER)
          .on(EventTypes.PAYMENT_FAILED, this::notifyUser)
          .on(EventTypes.PAYMENT_REFUNDED, this::notifyUser)
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
    return consumer
        .process(record, identityHandlers)
        .call(() -> forgetUnreadCount(record))
        .invoke(sender::sendDueSoon);
  }

  @Incoming("orders-events")
  Uni<Void> onOrderEvent(ConsumerRecord<String, String> record) {
    return consumer
        .process(record, orderHandlers)
        .call(() -> forgetUnreadCount(record))
        .invoke(sender::sendDueSoon);
  }

  @Incoming("billing-events")
  Uni<Void> onPaymentEvent(ConsumerRecord<String, String> record) {
    return consumer
        .process(record, paymentHandlers)
        .call(() -> forgetUnreadCount(record))
        .invoke(sender::sendDueSoon);
  }

  /** Once a notification is committed, its user's cached unread count is forgotten everywhere. */
  private Uni<Void> forgetUnreadCount(ConsumerRecord<String, String> record) {
    Header header = record.headers().lastHeader(EventHeaders.EVENT_TYPE);
    Optional<EventType<?>> type =
        header == null
            ? Optional.empty()
            : EventTypes.byName(new String(header.value(), StandardCharsets.UTF_8));
    if (type.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    try {
      IntegrationEvent event = EventCodec.fromJson(record.value(), type.get().javaType());
      return EventMapping.draftFor(event)
          .map(draft -> unread.changed(draft.userId()))
          .orElseGet(() -> Uni.createFrom().voidItem());
    } catch (InvalidEventException e) {
      // Not applied either: nothing changed.
      return Uni.createFrom().voidItem();
    }
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
