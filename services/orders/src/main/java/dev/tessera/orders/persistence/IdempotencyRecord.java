package dev.tessera.orders.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The response given to a user's first request with an {@code Idempotency-Key}, to give again to
 * any retry of it. Its primary key (user, key) is the unique constraint that lets only one of two
 * concurrent requests with one key create an order.
 */
@Entity
@Table(name = "idempotency_key")
public class IdempotencyRecord {

  @EmbeddedId public Key id;

  /** SHA-256 (hex) of the canonical request body: a retry must send the same request. */
  @Column(name = "request_hash", nullable = false)
  public String requestHash;

  @Column(name = "order_id", nullable = false)
  public UUID orderId;

  @Column(name = "response_status", nullable = false)
  public int responseStatus;

  @Column(name = "response_body", nullable = false)
  public String responseBody;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** A key is one user's: two users may pick the same one without seeing each other's orders. */
  @Embeddable
  public static class Key implements Serializable {

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    protected Key() {}

    public Key(UUID userId, String idempotencyKey) {
      this.userId = userId;
      this.idempotencyKey = idempotencyKey;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key other
          && userId.equals(other.userId)
          && idempotencyKey.equals(other.idempotencyKey);
    }

    @Override
    public int hashCode() {
      return Objects.hash(userId, idempotencyKey);
    }
  }
}
