package dev.tessera.orders.persistence;

import dev.tessera.orders.OrdersConfig;
import dev.tessera.orders.domain.Product;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The catalog in memory, for pricing orders. Products change only with a migration (a release), so
 * placing an order need not read them again each time: the catalog is read on first use and again
 * once {@code tessera.orders.catalog.max-age} has passed, which also bounds how long a row edited
 * by hand goes unseen. Each instance keeps its own copy, which also answers the public catalog
 * endpoint (itself cacheable by HTTP caches for a minute).
 */
@ApplicationScoped
public class ProductCatalog {

  private record Snapshot(SortedMap<String, Product> bySku, long readAtNanos) {}

  private final OrderRepository orders;
  private final long maxAgeNanos;
  private volatile Snapshot snapshot;

  ProductCatalog(OrderRepository orders, OrdersConfig config) {
    this.orders = orders;
    this.maxAgeNanos = config.catalog().maxAge().toNanos();
  }

  /**
   * The catalog by SKU, in SKU order, read with {@code session} when the copy in memory is missing
   * or old.
   */
  public Uni<SortedMap<String, Product>> bySku(Mutiny.Session session) {
    Snapshot current = snapshot;
    if (current != null && System.nanoTime() - current.readAtNanos() < maxAgeNanos) {
      return Uni.createFrom().item(current.bySku());
    }
    long readAt = System.nanoTime();
    return orders
        .catalog(session)
        .map(
            products -> {
              SortedMap<String, Product> bySku = new TreeMap<>();
              products.forEach(p -> bySku.put(p.sku, p.toProduct()));
              SortedMap<String, Product> readOnly = Collections.unmodifiableSortedMap(bySku);
              snapshot = new Snapshot(readOnly, readAt);
              return readOnly;
            });
  }
}
