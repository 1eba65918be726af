package dev.tessera.orders.api;

import dev.tessera.cache.Caches;
import dev.tessera.cache.TieredCache;
import dev.tessera.orders.events.OrderChanges;
import dev.tessera.orders.persistence.OrderEntity;
import dev.tessera.reads.ReadRouter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The hot reads of orders through the two-tier cache (platform/cache): an order by id, and a user's
 * first page (no filter, no cursor, the default size). Every change of an order calls {@link
 * #changed} once its transaction has committed: the API's own writes (placing, cancelling), the
 * payment results consumed from billing and the saga's deadline.
 *
 * <p>Misses load from the primary ({@link ReadRouter#readLatest}): a value from a lagging replica
 * could predate the change whose invalidation emptied the key, and would be kept for every reader.
 *
 * <p>An order is cached with its owner, and the owner is checked on every read, cached or not:
 * anyone else gets the same "not found" as for an order that does not exist.
 */
@ApplicationScoped
public class OrderReads implements OrderChanges {

  /** An order as cached: its owner, and the answer the API gives that owner. */
  public record CachedOrder(UUID userId, OrderResponse order) {}

  private final ReadRouter router;
  private final TieredCache<CachedOrder> byId;
  private final TieredCache<OrderPage> firstPages;

  OrderReads(ReadRouter router, Caches caches) {
    this.router = router;
    this.byId = caches.create("order", CachedOrder.class);
    this.firstPages = caches.create("first-page", OrderPage.class);
  }

  /** The order {@code orderId} if it belongs to {@code userId}; {@code null} otherwise. */
  public Uni<OrderResponse> owned(UUID orderId, UUID userId) {
    return byId.get(
            orderId.toString(),
            () ->
                router
                    .readLatest(session -> session.find(OrderEntity.class, orderId))
                    .map(o -> o == null ? null : new CachedOrder(o.userId, OrderResponse.of(o))))
        .map(cached -> cached != null && cached.userId().equals(userId) ? cached.order() : null);
  }

  /** The first page of {@code userId}'s orders, loaded by {@code loader} when not cached. */
  public Uni<OrderPage> firstPage(UUID userId, Supplier<Uni<OrderPage>> loader) {
    return firstPages.get(userId.toString(), loader);
  }

  /** Forgets {@code orderId} and its owner's first page everywhere; never fails. */
  @Override
  public Uni<Void> changed(UUID orderId, UUID userId) {
    return Uni.join()
        .all(byId.invalidate(orderId.toString()), firstPages.invalidate(userId.toString()))
        .andCollectFailures()
        .replaceWithVoid();
  }
}
