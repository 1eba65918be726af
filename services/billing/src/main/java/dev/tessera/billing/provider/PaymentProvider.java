package dev.tessera.billing.provider;

import io.smallrye.mutiny.Uni;

/**
 * The port to a payment provider. Both calls are idempotent by their key: calling again with the
 * key of a call whose answer was lost returns that call's result instead of charging again.
 */
public interface PaymentProvider {

  /**
   * Charges a payment method.
   *
   * @return the charge, approved or declined; fails with {@link ProviderUnavailableException} (or a
   *     timeout, or an open circuit) when the provider could not say
   */
  Uni<ChargeResult> charge(ChargeRequest request);

  /**
   * The charge made earlier with {@code idempotencyKey}, if the provider has one: how billing
   * learns whether a call whose answer it never got took the money.
   */
  Uni<java.util.Optional<ChargeResult>> lookup(String idempotencyKey);

  /** Pays a charge back in full; fails like {@link #charge} when the provider could not say. */
  Uni<RefundResult> refund(RefundRequest request);
}
