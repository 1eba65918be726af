package dev.tessera.notifications.domain;

import java.util.Arrays;
import java.util.Optional;

/** Every kind of notification the service sends, with its category and e-mail template. */
public enum NotificationKind {
  /** A new user is welcomed. */
  WELCOME(Category.ACCOUNT, "welcome"),
  /** An administrator suspended the user. */
  ACCOUNT_SUSPENDED(Category.ACCOUNT, "account-suspended"),
  /** An administrator lifted the user's suspension. */
  ACCOUNT_REINSTATED(Category.ACCOUNT, "account-reinstated"),
  /** An order was paid and confirmed. */
  ORDER_CONFIRMED(Category.ORDERS, "order-confirmed"),
  /** An order was cancelled. */
  ORDER_CANCELLED(Category.ORDERS, "order-cancelled"),
  /** A payment could not be made. */
  PAYMENT_FAILED(Category.PAYMENTS, "payment-failed"),
  /** A payment was refunded. */
  PAYMENT_REFUNDED(Category.PAYMENTS, "payment-refunded");

  private final Category category;
  private final String code;

  NotificationKind(Category category, String code) {
    this.category = category;
    this.code = code;
  }

  /** The category whose e-mail preference decides whether this kind is e-mailed. */
  public Category category() {
    return category;
  }

  /** Stable code in the API and the database; also names the e-mail templates. */
  public String code() {
    return code;
  }

  /** The kind with this code; empty for an unknown one. */
  public static Optional<NotificationKind> fromCode(String code) {
    return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
  }
}
