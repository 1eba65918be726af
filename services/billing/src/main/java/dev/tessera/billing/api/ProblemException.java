package dev.tessera.billing.api;

import java.util.List;

/** Ends a request with a problem answer; thrown by resources, mapped by {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String type;
  private final String title;
  private final List<Problem.FieldError> errors;

  ProblemException(
      int status, String type, String title, String detail, List<Problem.FieldError> errors) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = errors;
  }

  /** 400: one field of the request is wrong. */
  public static ProblemException invalidField(String field, String message) {
    return new ProblemException(
        400,
        "https://tessera.dev/problems/validation",
        "Invalid request",
        field + ": " + message,
        List.of(new Problem.FieldError(field, message)));
  }

  /** 404: the resource does not exist, or belongs to someone else (the answer is the same). */
  public static ProblemException notFound(String detail) {
    return new ProblemException(
        404, "https://tessera.dev/problems/not-found", "Not Found", detail, null);
  }

  /** 401: the token does not name a user. */
  public static ProblemException unauthorized(String detail) {
    return new ProblemException(
        401, "https://tessera.dev/problems/unauthorized", "Unauthorized", detail, null);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String title() {
    return title;
  }

  List<Problem.FieldError> errors() {
    return errors;
  }
}
