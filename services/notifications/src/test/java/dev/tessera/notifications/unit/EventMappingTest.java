package dev.tessera.notifications.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.contracts.Money;
import dev.tessera.contracts.billing.PaymentFailed;
import dev.tessera.contracts.billing.PaymentRefunded;
import dev.tessera.contracts.billing.PaymentSucceeded;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.identity.UserReinstated;
import dev.tessera.contracts.identity.UserSuspended;
import dev.tessera.contracts.orders.OrderCancelled;
import dev.tessera.contracts.orders.OrderConfirmed;
import dev.tessera.notifications.domain.Category;
import dev.tessera.notifications.domain.EmailPreferences;
import dev.tessera.notifications.domain.NotificationDraft;
import dev.tessera.notifications.domain.NotificationKind;
import dev.tessera.notifications.events.EventMapping;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventMappingTest {

  private final UUID user = UUID.randomUUID();
  private final UUID order = UUID.randomUUID();
  private final Instant now = Instant.now();

  @Test
  void each_user_facing_event_maps_to_its_kind_and_category() {
    assertKind(
        new UserRegistered(user, "a@example.com", "Ada", now),
        NotificationKind.WELCOME,
        Category.ACCOUNT);
    assertKind(
        new UserSuspended(user, "abuse", now),
        NotificationKind.ACCOUNT_SUSPENDED,
        Category.ACCOUNT);
    assertKind(
        new UserReinstated(user, now), NotificationKind.ACCOUNT_REINSTATED, Category.ACCOUNT);
    assertKind(
        new OrderConfirmed(order, user, UUID.randomUUID(), now),
        NotificationKind.ORDER_CONFIRMED,
        Category.ORDERS);
    assertKind(
        new OrderCancelled(order, user, "customer_request", now),
        NotificationKind.ORDER_CANCELLED,
        Category.ORDERS);
    assertKind(
        new PaymentFailed(UUID.randomUUID(), order, user, new Money(100, "EUR"), "x", now),
        NotificationKind.PAYMENT_FAILED,
        Category.PAYMENTS);
    assertKind(
        new PaymentRefunded(
            UUID.randomUUID(), order, user, new Money(100, "EUR"), UUID.randomUUID(), now),
        NotificationKind.PAYMENT_REFUNDED,
        Category.PAYMENTS);
  }

  @Test
  void an_event_that_concerns_no_user_facing_change_gives_no_notification() {
    assertThat(
            EventMapping.draftFor(
                new PaymentSucceeded(
                    UUID.randomUUID(), order, user, new Money(1, "EUR"), UUID.randomUUID(), now)))
        .isEmpty();
  }

  @Test
  void the_draft_carries_the_facts_the_email_shows() {
    NotificationDraft draft =
        EventMapping.draftFor(
                new PaymentFailed(
                    UUID.randomUUID(), order, user, new Money(1999, "EUR"), "card_declined", now))
            .orElseThrow();
    assertThat(draft.userId()).isEqualTo(user);
    assertThat(draft.values())
        .containsEntry("orderId", order.toString())
        .containsEntry("amount", "19.99 EUR")
        .containsEntry("reason", "card declined");
    assertThat(draft.body()).contains("19.99 EUR").contains(order.toString());
  }

  @Test
  void a_reinstatement_tells_the_user_they_can_sign_in_again() {
    NotificationDraft draft = EventMapping.draftFor(new UserReinstated(user, now)).orElseThrow();
    assertThat(draft.userId()).isEqualTo(user);
    assertThat(draft.kind().code()).isEqualTo("account-reinstated");
    assertThat(draft.title()).isEqualTo("Your account is restored");
    assertThat(draft.body()).contains("sign in again");
  }

  @Test
  void amounts_in_minor_units_read_as_decimals() {
    assertThat(NotificationDraft.formatAmount(0, "EUR")).isEqualTo("0.00 EUR");
    assertThat(NotificationDraft.formatAmount(5, "USD")).isEqualTo("0.05 USD");
    assertThat(NotificationDraft.formatAmount(123456, "GBP")).isEqualTo("1234.56 GBP");
  }

  @Test
  void preferences_decide_per_category_and_default_to_on() {
    var ordersOff = new EmailPreferences(true, false, true);
    assertThat(ordersOff.allows(Category.ORDERS)).isFalse();
    assertThat(ordersOff.allows(Category.ACCOUNT)).isTrue();
    assertThat(ordersOff.allows(Category.PAYMENTS)).isTrue();
    for (Category category : Category.values()) {
      assertThat(EmailPreferences.DEFAULT.allows(category)).isTrue();
      assertThat(Category.fromCode(category.code())).contains(category);
    }
    for (NotificationKind kind : NotificationKind.values()) {
      assertThat(NotificationKind.fromCode(kind.code())).contains(kind);
    }
    assertThat(Category.fromCode("marketing")).isEmpty();
  }

  private static void assertKind(
      dev.tessera.contracts.IntegrationEvent event, NotificationKind kind, Category category) {
    NotificationDraft draft = EventMapping.draftFor(event).orElseThrow();
    assertThat(draft.kind()).isEqualTo(kind);
    assertThat(draft.category()).isEqualTo(category);
    assertThat(draft.title()).isNotBlank();
  }
}
