package dev.tessera.orders.persistence;

import dev.tessera.orders.domain.CancellationReason;
import dev.tessera.orders.domain.OrderStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as stored. Its state only changes through {@link #confirm} and {@link #cancel}, which
 * follow {@link OrderStatus}; {@code version} makes a concurrent change (a customer cancelling
 * while the payment result arrives) fail instead of overwriting the other.
 */
@Entity
@Table(name = "orders")
public class OrderEntity {

  @Id public UUID id;

  @Column(name = "user_id", nullable = false, updatable = false)
  public UUID userId;

  @Convert(converter = OrderStatusConverter.class)
  @Column(nullable = false)
  public OrderStatus status;

  @Convert(converter = StoredLinesConverter.class)
  @Column(nullable = false, updatable = false)
  public List<StoredLine> lines;

  @Column(name = "total_amount", nullable = false, updatable = false)
  public long totalAmount;

  @Column(nullable = false, updatable = false)
  public String currency;

  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "payment_id")
  public UUID paymentId;

  @Column(name = "cancel_reason")
  public String cancelReason;

  @Version public long version;

  /**
   * Moves to {@code CONFIRMED}, paid by {@code paymentId}.
   *
   * @throws dev.tessera.orders.domain.IllegalTransitionException unless pending payment
   */
  public void confirm(UUID paymentId, Instant at) {
    status = status.moveTo(OrderStatus.CONFIRMED);
    this.paymentId = paymentId;
    updatedAt = at;
  }

  /**
   * Moves to {@code CANCELLED} for {@code reason}.
   *
   * @throws dev.tessera.orders.domain.IllegalTransitionException if already cancelled
   */
  public void cancel(CancellationReason reason, Instant at) {
    status = status.moveTo(OrderStatus.CANCELLED);
    cancelReason = reason.code();
    updatedAt = at;
  }
}
