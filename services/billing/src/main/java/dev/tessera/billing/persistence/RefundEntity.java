package dev.tessera.billing.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * A row of {@code refund}, read for the invoice it undoes; written by {@link PaymentRepository}.
 */
@Entity
@Immutable
@Table(name = "refund")
public class RefundEntity {

  @Id public UUID id;

  @Column(name = "payment_id")
  public UUID paymentId;

  public long amount;

  public String currency;

  @Column(name = "created_at")
  public Instant createdAt;
}
