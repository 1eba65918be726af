package dev.tessera.notifications.domain;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A notification to create for a user: the in-app text and the values its e-mail template needs.
 *
 * @param kind what it is about
 * @param userId whom it is for
 * @param title short in-app title
 * @param body in-app text
 * @param values the facts the e-mail templates show (order id, amount, reason), by name
 */
public record NotificationDraft(
    NotificationKind kind, UUID userId, String title, String body, Map<String, String> values) {

  /** Checks that every part is there. */
  public NotificationDraft {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(body, "body");
    values = Map.copyOf(values);
  }

  /** The category of its kind. */
  public Category category() {
    return kind.category();
  }

  /** A new user is welcomed. */
  public static NotificationDraft welcome(UUID userId, String displayName) {
    return new NotificationDraft(
        NotificationKind.WELCOME,
        userId,
        "Welcome to Tessera",
        "Hello " + displayName + ", your account is ready.",
        Map.of("displayName", displayName));
  }

  /** The user's account was suspended. */
  public static NotificationDraft accountSuspended(UUID userId, String reason) {
    return new NotificationDraft(
        NotificationKind.ACCOUNT_SUSPENDED,
        userId,
        "Your account is suspended",
        "Your account was suspended: " + reason + ".",
        Map.of("reason", reason));
  }

  /** The user's suspension was lifted. */
  public static NotificationDraft accountReinstated(UUID userId) {
    return new NotificationDraft(
        NotificationKind.ACCOUNT_REINSTATED,
        userId,
        "Your account is restored",
        "Your account's suspension was lifted: you can sign in again.",
        Map.of());
  }

  /** An order was confirmed. */
  public static NotificationDraft orderConfirmed(UUID userId, UUID orderId) {
    return new NotificationDraft(
        NotificationKind.ORDER_CONFIRMED,
        userId,
        "Order confirmed",
        "Your order " + orderId + " is paid and confirmed.",
        Map.of("orderId", orderId.toString()));
  }

  /** An order was cancelled, for a reason code such as {@code payment_failed}. */
  public static NotificationDraft orderCancelled(UUID userId, UUID orderId, String reason) {
    String why = describe(reason);
    return new NotificationDraft(
        NotificationKind.ORDER_CANCELLED,
        userId,
        "Order cancelled",
        "Your order " + orderId + " was cancelled: " + why + ".",
        Map.of("orderId", orderId.toString(), "reason", why));
  }

  /** A payment for an order failed. */
  public static NotificationDraft paymentFailed(
      UUID userId, UUID orderId, long minorUnits, String currency, String reason) {
    String amount = formatAmount(minorUnits, currency);
    String why = describe(reason);
    return new NotificationDraft(
        NotificationKind.PAYMENT_FAILED,
        userId,
        "Payment failed",
        "We could not charge " + amount + " for order " + orderId + ": " + why + ".",
        Map.of("orderId", orderId.toString(), "amount", amount, "reason", why));
  }

  /** A payment for an order was refunded. */
  public static NotificationDraft paymentRefunded(
      UUID userId, UUID orderId, long minorUnits, String currency) {
    String amount = formatAmount(minorUnits, currency);
    return new NotificationDraft(
        NotificationKind.PAYMENT_REFUNDED,
        userId,
        "Payment refunded",
        "We refunded " + amount + " for order " + orderId + ".",
        Map.of("orderId", orderId.toString(), "amount", amount));
  }

  /** An amount in minor units as people read it: {@code 1999, EUR} → {@code 19.99 EUR}. */
  public static String formatAmount(long minorUnits, String currency) {
    return BigDecimal.valueOf(minorUnits, 2).toPlainString() + " " + currency;
  }

  /** A machine reason code as words: {@code card_declined} → {@code card declined}. */
  static String describe(String reason) {
    return reason.replace('_', ' ');
  }
}
