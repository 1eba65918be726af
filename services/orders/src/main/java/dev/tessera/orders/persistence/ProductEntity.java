package dev.tessera.orders.persistence;

import dev.tessera.orders.domain.Price;
import dev.tessera.orders.domain.Product;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A catalog product as stored (seeded by a migration). */
@Entity
@Table(name = "product")
public class ProductEntity {

  @Id public String sku;

  @Column(nullable = false)
  public String name;

  @Column(name = "price_amount", nullable = false)
  public long priceAmount;

  @Column(nullable = false)
  public String currency;

  /** The domain's view of this product. */
  public Product toProduct() {
    return new Product(sku, name, new Price(priceAmount, currency));
  }
}
