package dev.tessera.orders.domain;

import java.util.List;

/**
 * An order that cannot be placed as asked. {@link Kind#MALFORMED}: the request breaks a rule that
 * holds whatever the catalog (bounds, duplicates); {@link Kind#UNPROCESSABLE}: it is well formed
 * but the catalog cannot serve it (an unknown SKU).
 */
public class InvalidOrderException extends RuntimeException {

  /** Which kind of rule the request broke. */
  public enum Kind {
    MALFORMED,
    UNPROCESSABLE
  }

  private final Kind kind;
  private final List<FieldViolation> violations;

  public InvalidOrderException(Kind kind, List<FieldViolation> violations) {
    super(kind + ": " + violations);
    this.kind = kind;
    this.violations = List.copyOf(violations);
  }

  /** Which kind of rule the request broke. */
  public Kind kind() {
    return kind;
  }

  /** Every violation found, not just the first. */
  public List<FieldViolation> violations() {
    return violations;
  }
}
