package dev.tessera.notifications.domain;

/**
 * Whether a user wants e-mail for each category; in-app notifications are always kept.
 *
 * @param account e-mail about the account
 * @param orders e-mail about orders
 * @param payments e-mail about payments
 */
public record EmailPreferences(boolean account, boolean orders, boolean payments) {

  /** What a user who never chose gets: every e-mail. */
  public static final EmailPreferences DEFAULT = new EmailPreferences(true, true, true);

  /** Whether e-mail of {@code category} is wanted. */
  public boolean allows(Category category) {
    return switch (category) {
      case ACCOUNT -> account;
      case ORDERS -> orders;
      case PAYMENTS -> payments;
    };
  }
}
