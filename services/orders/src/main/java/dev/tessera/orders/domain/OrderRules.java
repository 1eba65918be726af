package dev.tessera.orders.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The rules a new order must follow, and its pricing from the catalog. */
public final class OrderRules {

  /** The most lines one order may have. */
  public static final int MAX_LINES = 20;

  /** The least units of a product one line may ask for. */
  public static final int MIN_QUANTITY = 1;

  /** The most units of a product one line may ask for. */
  public static final int MAX_QUANTITY = 100;

  /** The longest SKU the catalog has room for. */
  public static final int MAX_SKU_LENGTH = 64;

  private OrderRules() {}

  /**
   * The violations of the rules that hold whatever the catalog: 1 to {@value #MAX_LINES} lines, a
   * SKU on each, quantities within bounds, no SKU on two lines (a customer wanting more of a
   * product raises its quantity; two lines would make the quantity bound meaningless).
   */
  public static List<FieldViolation> checkShape(List<RequestedLine> lines) {
    List<FieldViolation> violations = new ArrayList<>();
    if (lines == null || lines.isEmpty()) {
      violations.add(new FieldViolation("items", "must have at least one line"));
      return violations;
    }
    if (lines.size() > MAX_LINES) {
      violations.add(
          new FieldViolation(
              "items", "must have at most " + MAX_LINES + " lines, has " + lines.size()));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      RequestedLine line = lines.get(i);
      String at = "items[" + i + "]";
      if (line == null) {
        violations.add(new FieldViolation(at, "must not be null"));
        continue;
      }
      if (line.sku() == null || line.sku().isBlank()) {
        violations.add(new FieldViolation(at + ".sku", "must not be blank"));
      } else if (line.sku().length() > MAX_SKU_LENGTH) {
        violations.add(
            new FieldViolation(at + ".sku", "must be at most " + MAX_SKU_LENGTH + " characters"));
      } else if (!seen.add(line.sku())) {
        violations.add(
            new FieldViolation(
                at + ".sku", "duplicates an earlier line: raise that line's quantity instead"));
      }
      if (line.quantity() == null) {
        violations.add(new FieldViolation(at + ".quantity", "must not be null"));
      } else if (line.quantity() < MIN_QUANTITY || line.quantity() > MAX_QUANTITY) {
        violations.add(
            new FieldViolation(
                at + ".quantity",
                "must be between "
                    + MIN_QUANTITY
                    + " and "
                    + MAX_QUANTITY
                    + ", was "
                    + line.quantity()));
      }
    }
    return violations;
  }

  /**
   * Prices {@code lines} from {@code catalog} (by SKU).
   *
   * @throws InvalidOrderException {@code MALFORMED} if {@link #checkShape} finds violations, {@code
   *     UNPROCESSABLE} if a SKU is not in the catalog or the products are priced in more than one
   *     currency
   */
  public static PricedOrder price(List<RequestedLine> lines, Map<String, Product> catalog) {
    List<FieldViolation> shape = checkShape(lines);
    if (!shape.isEmpty()) {
      throw new InvalidOrderException(InvalidOrderException.Kind.MALFORMED, shape);
    }
    List<FieldViolation> unknown = new ArrayList<>();
    List<PricedLine> priced = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      RequestedLine line = lines.get(i);
      Product product = catalog.get(line.sku());
      if (product == null) {
        unknown.add(new FieldViolation("items[" + i + "].sku", "no product has this SKU"));
      } else {
        priced.add(new PricedLine(product.sku(), product.name(), line.quantity(), product.price()));
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidOrderException(InvalidOrderException.Kind.UNPROCESSABLE, unknown);
    }
    Price total = priced.get(0).lineTotal();
    for (int i = 1; i < priced.size(); i++) {
      if (!priced.get(i).unitPrice().currency().equals(total.currency())) {
        throw new InvalidOrderException(
            InvalidOrderException.Kind.UNPROCESSABLE,
            List.of(
                new FieldViolation(
                    "items[" + i + "].sku",
                    "is priced in "
                        + priced.get(i).unitPrice().currency()
                        + ", the order in "
                        + total.currency()
                        + ": one order has one currency")));
      }
      total = total.plus(priced.get(i).lineTotal());
    }
    return new PricedOrder(priced, total);
  }
}
