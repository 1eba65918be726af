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
import dev.tessera.notifications.persistence.PendingEmail;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** E-mails sent after their commit at most at once; beyond, the consumer waits for them. */
  private static final int SENDING_BEHIND = 64;

  private final AtomicInteger sending = new AtomicInteger();

  // E-mails a handler recorded claimed, by the event's id, until the step after its commit sends
  // them. A handler whose transaction then fails leaves its entry behind; no other event ever
  // finds it (a redelivery of the same event overwrites it before its commit).
  private final Map<UUID, PendingEmail> claimed = new ConcurrentHashMap<>();

  private final EventHandlers identityHandlers =
      EventHandlers.consumer(CONSUMER)
          .on(EventTypes.USER_REGISTERED, this::onUserRegistered)
          .on(EventTypes.USER_SUSPENDED, this::onUserSuspended)
          .on(EventTypes.USER_REINSTATED, this::onUserReinstated)
          .afterCommit(this::afterIdentityCommit)
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
   * its e-mail, claimed in that transaction, goes out. Only for events applied here, not for the
   * many a topic carries that no notification follows (an order's OrderPlaced, a PaymentSucceeded).
   * Returns at once unless {@link #SENDING_BEHIND} e-mails are on their way already; nothing is
   * lost if a send never finishes (a crash): the retry job takes the e-mail once its lease passes.
   */
  private Uni<Void> afterCommit(ReceivedEvent<?> event) {
    PendingEmail email = claimed.remove(event.id());
    Uni<Void> unreadChanged =
        EventMapping.draftFor(event.payload())
            .map(draft -> unread.changed(draft.userId()))
            .orElseGet(() -> Uni.createFrom().voidItem());
    if (email == null) {
      return unreadChanged;
    }
    return unreadChanged.chain(
        () -> {
          Uni<Void> send =
              sender.sendClaimed(email).onTermination().invoke(sending::decrementAndGet);
          if (sending.incrementAndGet() > SENDING_BEHIND) {
            return send;
          }
          // sendClaimed never fails; were it to, Mutiny logs the dropped failure.
          send.subscribe().with(ignored -> {});
          return Uni.createFrom().voidItem();
        });
  }

  /**
   * An identity event also makes due the e-mails that waited for their recipient (UserRegistered):
   * a pass of the sender takes those at once.
   */
  private Uni<Void> afterIdentityCommit(ReceivedEvent<?> event) {
    return afterCommit(event).invoke(sender::sendDueSoon);
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
    return store
        .record(session, event.id(), draft, sender.lease())
        .invoke(email -> email.ifPresent(e -> claimed.put(event.id(), e)))
        .onFailure()
        .invoke(() -> claimed.remove(event.id()))
        .replaceWithVoid();
  }
}
