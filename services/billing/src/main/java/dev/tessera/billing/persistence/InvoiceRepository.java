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

  // Numbers and stores an invoice in one statement (invoice_number: V3): the year's counter row
  // stays locked until the transaction commits, so numbering is serialised and a rolled-back
  // transaction leaves no gap. Every invoice of the system waits for that lock, so the statement
  // is its transaction's last: the lock is held for it and the commit only.
  private static final String INSERT_NUMBERED =
      "with counter as (insert into invoice_counter (year, last_value) values (:year, 1)"
          + " on conflict (year) do update set last_value = invoice_counter.last_value + 1"
          + " returning year, last_value)"
          + " insert into invoice (id, number, payment_id, order_id, user_id, currency, subtotal,"
          + " total, issued_at) select :id, invoice_number(year, last_value), :paymentId,"
          + " :orderId, :userId, :currency, :subtotal, :total, :issuedAt from counter";

  /**
   * Stores a new invoice with the next number of its year ({@code INV-2026-000042}), which it then
   * carries; call it last in its transaction (see above).
   */
  public Uni<Void> insertNumbered(Mutiny.Session session, InvoiceEntity invoice, int year) {
    return session
        .createNativeQuery(INSERT_NUMBERED)
        .setParameter("year", year)
        .setParameter("id", invoice.id)
        .setParameter("paymentId", invoice.paymentId)
        .setParameter("orderId", invoice.orderId)
        .setParameter("userId", invoice.userId)
        .setParameter("currency", invoice.currency)
        .setParameter("subtotal", invoice.subtotal)
        .setParameter("total", invoice.total)
        .setParameter("issuedAt", invoice.issuedAt)
        .executeUpdate()
        .replaceWithVoid();
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
