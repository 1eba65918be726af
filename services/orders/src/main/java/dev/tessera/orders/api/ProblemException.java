package dev.tessera.orders.api;

import java.util.List;

/** A request the service refuses, with the problem to answer it with. */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String slug;
  private final String title;
  private final List<Problem.FieldError> errors;

  public ProblemException(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, null);
  }

  public ProblemException(
      int status, String slug, String title, String detail, List<Problem.FieldError> errors) {
    super(detail, null, false, false); // an expected outcome: no stack trace to fill
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.errors = errors;
  }

  static ProblemException notFound(String detail) {
    return new ProblemException(404, "not-found", "Not found", detail);
  }

  static ProblemException badRequest(String detail, List<Problem.FieldError> errors) {
    return new ProblemException(400, "invalid-request", "Invalid request", detail, errors);
  }

  /** The problem for the request at {@code path}. */
  Problem toProblem(String path) {
    return new Problem(ProblemMappers.type(slug), title, status, getMessage(), path, errors);
  }

  int status() {
    return status;
  }
}
