package dev.tessera.billing.provider;

/**
 * The provider's answer to a charge. A decline is an answer, not a failure: it must not trip the
 * circuit breaker nor be retried.
 *
 * @param chargeId the provider's id of the charge
 * @param approved whether the money was taken
 * @param declineCode why not, when not approved: {@code card_declined}, {@code insufficient_funds}
 */
public record ChargeResult(String chargeId, boolean approved, String declineCode) {}
