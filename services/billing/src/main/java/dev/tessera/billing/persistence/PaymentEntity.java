package dev.tessera.billing.persistence;

import dev.tessera.billing.domain.PaymentStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * A row of {@code payment} as {@link PaymentRepository} locks it (the columns of {@link
 * PaymentRow}); written by native statements only. An entity so that the lock is Hibernate's own
 * load, whose statement is prepared once: Hibernate Reactive caches no plan for a native query
 * returning rows (see {@link PaymentRepository#lock}).
 */
@Entity
@Immutable
@Table(name = "payment")
public class PaymentEntity {

  @Id public UUID id;

  @Column(name = "order_id")
  public UUID orderId;

  @Column(name = "user_id")
  public UUID userId;

  public long amount;

  public String currency;

  @Enumerated(EnumType.STRING)
  public PaymentStatus status;

  public int attempts;

  @Column(name = "payment_method")
  public String paymentMethod;

  @Column(name = "provider_charge_id")
  public String providerChargeId;

  @Column(name = "last_charge_at")
  public Instant lastChargeAt;

  PaymentRow toRow() {
    return new PaymentRow(
        id,
        orderId,
        userId,
        amount,
        currency,
        status,
        attempts,
        paymentMethod,
        providerChargeId,
        lastChargeAt);
  }
}
