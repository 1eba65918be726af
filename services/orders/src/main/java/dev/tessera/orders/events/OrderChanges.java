package dev.tessera.orders.events;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * Told of every committed change of an order, so that what was read of it before (the API's caches)
 * is forgotten on every instance.
 */
public interface OrderChanges {

  /** {@code orderId} of {@code userId} changed (or was created); never fails. */
  Uni<Void> changed(UUID orderId, UUID userId);
}
