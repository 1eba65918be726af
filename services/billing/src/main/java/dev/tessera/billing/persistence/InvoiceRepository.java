package dev.tessera.billing.persistence;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Invoices: their gapless yearly numbers, and their reading by their owner. */
@ApplicationScoped
public class InvoiceRepository {

  // The row lock on the year's counter serialises numbering until the transaction commits, so a
  // rolled-back transaction leaves no gap; the transaction is short (no provider call inside).
  private static final String NEXT_NUMBER =
      "insert into invoice_counter (year, last_value) values (:year, 1)"
          + " on conflict (year) do update set last_value = invoice_counter.last_value + 1"
          + " returning last_value";

  /** The next sequence number of {@code year}'s invoices, starting at 1. */
  public Uni<Long> nextSequence(Mutiny.Session session, int year) {
    return session
        .createNativeQuery(NEXT_NUMBER)
        .setParameter("year", year)
        .getSingleResult()
        .map(value -> ((Number) value).longValue());
  }

  /** Stores a new invoice. */
  public Uni<Void> insert(Mutiny.Session session, InvoiceEntity invoice) {
    return session.persist(invoice).chain(session::flush);
  }

  /** The invoice of a payment, or null. */
  public Uni<InvoiceEntity> findByPayment(Mutiny.Session session, UUID paymentId) {
    return session
        .createQuery("from InvoiceEntity where paymentId = :payment", InvoiceEntity.class)
        .setParameter("payment", paymentId)
        .getSingleResultOrNull();
  }

  /**
   * Up to {@code limit} of the user's invoices, newest first, after the keyset position ({@code
   * afterIssuedAt}, {@code afterId}) when given.
   */
  public Uni<List<InvoiceEntity>> page(
      Mutiny.Session session, UUID userId, Instant afterIssuedAt, UUID afterId, int limit) {
    if (afterIssuedAt == null) {
      return session
          .createQuery(
              "from InvoiceEntity where userId = :user order by issuedAt desc, id desc",
              InvoiceEntity.class)
          .setParameter("user", userId)
          .setMaxResults(limit)
          .getResultList();
    }
    return session
        .createQuery(
            "from InvoiceEntity where userId = :user and (issuedAt < :at or (issuedAt = :at and id"
                + " < :id)) order by issuedAt desc, id desc",
            InvoiceEntity.class)
        .setParameter("user", userId)
        .setParameter("at", afterIssuedAt)
        .setParameter("id", afterId)
        .setMaxResults(limit)
        .getResultList();
  }
}
