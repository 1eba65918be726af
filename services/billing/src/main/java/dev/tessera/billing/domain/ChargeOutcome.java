package dev.tessera.billing.domain;

/** What the provider said about one charge attempt, in billing's words. */
public sealed interface ChargeOutcome {

  /** The provider took the money. */
  record Approved(String chargeId) implements ChargeOutcome {}

  /** The provider refused the card, for good: retrying will not help. */
  record Declined(String reason) implements ChargeOutcome {}

  /** The provider could not be reached or did not answer in time; the charge may be retried. */
  record Unavailable(String cause) implements ChargeOutcome {}
}
