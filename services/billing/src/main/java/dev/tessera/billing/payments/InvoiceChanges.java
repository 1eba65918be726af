package dev.tessera.billing.payments;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * Told when a committed change alters an issued invoice (its payment was refunded), so that what
 * was read of it before (the API's cache) is forgotten on every instance.
 */
public interface InvoiceChanges {

  /** The invoice of {@code paymentId}, if any, changed; never fails. */
  Uni<Void> paymentRefunded(UUID paymentId);
}
