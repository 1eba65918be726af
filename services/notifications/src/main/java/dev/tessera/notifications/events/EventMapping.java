package dev.tessera.notifications.events;

import dev.tessera.contracts.IntegrationEvent;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentRefunded;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.notifications.domain.NotificationDraft;
import java.util.Optional;

/** Which notification each integration event gives its user; pure, so it is unit-tested. */
public final class EventMapping {

  private EventMapping() {}

  /** The notification for {@code event}; empty for an event that notifies nobody. */
  public static Optional<NotificationDraft> draftFor(IntegrationEvent event) {
    if (event instanceof UserRegistered e) {
      return Optional.of(NotificationDraft.welcome(e.userId(), e.displayName()));
    }
    if (event instanceof UserSuspended e) {
      return Optional.of(NotificationDraft.accountSuspended(e.userId(), e.reason()));
    }
    if (event instanceof UserReinstated e) {
      return Optional.of(NotificationDraft.accountReinstated(e.userId()));
    }
    if (event instanceof OrderConfirmed e) {
      return Optional.of(NotificationDraft.orderConfirmed(e.userId(), e.orderId()));
    }
    if (event instanceof OrderCancelled e) {
      return Optional.of(NotificationDraft.orderCancelled(e.userId(), e.orderId(), e.reason()));
    }
    if (event instanceof PaymentFailed e) {
      return Optional.of(
          NotificationDraft.paymentFailed(
              e.userId(), e.orderId(), e.amount().amount(), e.amount().currency(), e.reason()));
    }
    if (event instanceof PaymentRefunded e) {
      return Optional.of(
          NotificationDraft.paymentRefunded(
              e.userId(), e.orderId(), e.amount().amount(), e.amount().currency()));
    }
    return Optional.empty();
  }
}
