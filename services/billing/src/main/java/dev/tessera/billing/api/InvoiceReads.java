package dev.tessera.billing.api;

import dev.tessera.billing.payments.InvoiceChanges;
import dev.tessera.billing.persistence.InvoiceRepository;
import dev.tessera.cache.Caches;
import dev.tessera.cache.TieredCache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.function.Supplier;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * An invoice by id through the two-tier cache (platform/cache). An invoice is written once, when
 * its payment succeeds, and changes only when that payment is refunded: the refund forgets it on
 * every instance once committed. Cached with its owner, who is checked on every read.
 */
@ApplicationScoped
public class InvoiceReads implements InvoiceChanges {

  /** An invoice as cached: its owner, and the answer the API gives that owner. */
  public record CachedInvoice(UUID userId, InvoiceView invoice) {}

  private final Mutiny.SessionFactory sessionFactory;
  private final InvoiceRepository invoices;
  private final TieredCache<CachedInvoice> byId;

  InvoiceReads(Mutiny.SessionFactory sessionFactory, InvoiceRepository invoices, Caches caches) {
    this.sessionFactory = sessionFactory;
    this.invoices = invoices;
    this.byId = caches.create("invoice", CachedInvoice.class);
  }

  /**
   * The invoice {@code invoiceId} if it belongs to {@code userId}, else {@code null}; {@code
   * loader} reads it (with its owner) when it is not cached.
   */
  public Uni<InvoiceView> owned(UUID invoiceId, UUID userId, Supplier<Uni<CachedInvoice>> loader) {
    return byId.get(invoiceId.toString(), loader)
        .map(c -> c != null && c.userId().equals(userId) ? c.invoice() : null);
  }

  @Override
  public Uni<Void> paymentRefunded(UUID paymentId) {
    return sessionFactory
        .withSession(session -> invoices.findByPayment(session, paymentId))
        .chain(
            invoice ->
                invoice == null
                    ? Uni.createFrom().voidItem()
                    : byId.invalidate(invoice.id.toString()))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }
}
