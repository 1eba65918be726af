package dev.tessera.notifications.api;

import java.util.List;

/** A failure that the API answers with a specific problem response. */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String title;
  private final List<Problem.FieldError> errors;

  ProblemException(int status, String title, String detail, List<Problem.FieldError> errors) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = errors;
  }

  /** 404: nothing there — or nothing of this user's, which must look the same. */
  static ProblemException notFound(String detail) {
    return new ProblemException(404, "Not Found", detail, null);
  }

  /** 400 with the invalid fields. */
  static ProblemException invalid(List<Problem.FieldError> errors) {
    return new ProblemException(400, "Bad Request", "The request has invalid fields.", errors);
  }

  /** 401: no usable identity. */
  static ProblemException unauthorized(String detail) {
    return new ProblemException(401, "Unauthorized", detail, null);
  }

  int status() {
    return status;
  }

  String title() {
    return title;
  }

  List<Problem.FieldError> errors() {
    return errors;
  }
}
