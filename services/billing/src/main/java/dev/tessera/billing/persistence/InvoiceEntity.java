package dev.tessera.billing.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code invoice}: issued once per successful charge, never changed. */
@Entity
@Table(name = "invoice")
public class InvoiceEntity {

  @Id public UUID id;

  public String number;

  @Column(name = "payment_id")
  public UUID paymentId;

  @Column(name = "order_id")
  public UUID orderId;

  @Column(name = "user_id")
  public UUID userId;

  public String currency;

  public long subtotal;

  public long total;

  @Column(name = "issued_at")
  public Instant issuedAt;
}
