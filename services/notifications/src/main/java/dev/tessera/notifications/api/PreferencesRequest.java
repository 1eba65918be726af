package dev.tessera.notifications.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * The body of {@code PUT /api/notifications/preferences}: every category must be given.
 *
 * @param email e-mail on or off per category
 */
public record PreferencesRequest(@NotNull @Valid EmailChoices email) {

  /**
   * E-mail on or off per category.
   *
   * @param account e-mail about the account
   * @param orders e-mail about orders
   * @param payments e-mail about payments
   */
  public record EmailChoices(
      @NotNull Boolean account, @NotNull Boolean orders, @NotNull Boolean payments) {}
}
