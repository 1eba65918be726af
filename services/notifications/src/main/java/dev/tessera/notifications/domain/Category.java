package dev.tessera.notifications.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a notification is about; e-mail preferences are kept per category. */
public enum Category {
  /** The user's account: sign-up, suspension and its lifting. */
  ACCOUNT,
  /** The user's orders: confirmation, cancellation. */
  ORDERS,
  /** The user's payments: failures, refunds. */
  PAYMENTS;

  /** The lower-case code used in the API and the database, e.g. {@code orders}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The category with this code; empty for an unknown one. */
  public static Optional<Category> fromCode(String code) {
    return Arrays.stream(values()).filter(c -> c.code().equals(code)).findFirst();
  }
}
