package dev.tessera.identity.domain;

import java.util.List;

/** Input that breaks a rule of the domain; carries every field that failed, not only the first. */
public class InvalidInputException extends RuntimeException {

  private final transient List<FieldError> errors;

  public InvalidInputException(List<FieldError> errors) {
    super("invalid input: " + errors.stream().map(FieldError::field).toList());
    this.errors = List.copyOf(errors);
  }

  public InvalidInputException(String field, String message) {
    this(List.of(new FieldError(field, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
