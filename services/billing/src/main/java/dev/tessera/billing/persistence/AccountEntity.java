package dev.tessera.billing.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code billing_account}: a user's payment method. */
@Entity
@Table(name = "billing_account")
public class AccountEntity {

  @Id
  @Column(name = "user_id")
  public UUID userId;

  @Column(name = "payment_method")
  public String paymentMethod;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;
}
