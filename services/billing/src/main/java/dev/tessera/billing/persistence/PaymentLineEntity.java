package dev.tessera.billing.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A row of {@code payment_line}: one line of the paid order, as printed on its invoice. */
@Entity
@Table(name = "payment_line")
public class PaymentLineEntity {

  @Id public UUID id;

  @Column(name = "payment_id")
  public UUID paymentId;

  @Column(name = "line_no")
  public int lineNo;

  public String sku;

  public String name;

  public int quantity;

  @Column(name = "unit_amount")
  public long unitAmount;

  public String currency;
}
