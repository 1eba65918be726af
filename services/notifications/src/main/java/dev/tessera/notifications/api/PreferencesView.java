package dev.tessera.notifications.api;

import dev.tessera.notifications.domain.EmailPreferences;

/**
 * A user's notification preferences as the API shows them.
 *
 * @param email e-mail on or off per category
 */
public record PreferencesView(Email email) {

  /**
   * E-mail on or off per category.
   *
   * @param account e-mail about the account
   * @param orders e-mail about orders
   * @param payments e-mail about payments
   */
  public record Email(boolean account, boolean orders, boolean payments) {}

  static PreferencesView of(EmailPreferences preferences) {
    return new PreferencesView(
        new Email(preferences.account(), preferences.orders(), preferences.payments()));
  }
}
