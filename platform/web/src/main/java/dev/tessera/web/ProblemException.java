package dev.tessera.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;

/**
 * Ends a request with a problem answer: thrown by resources (directly or as the failure of a {@code
 * Uni}) and mapped by {@link ProblemMappers}. An expected outcome, so it has no stack trace.
 */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String slug;
  private final String title;
  private final List<Problem.FieldError> errors;
  private final Duration retryAfter;

  /** A problem of type {@code https://tessera.dev/problems/<slug>}. */
  public ProblemException(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, null, null);
  }

  /** The same, naming the fields at fault. */
  public ProblemException(
      int status, String slug, String title, String detail, List<Problem.FieldError> errors) {
    this(status, slug, title, detail, errors, null);
  }

  /** A problem whose answer tells the client when to try again (a {@code Retry-After}). */
  protected ProblemException(
      int status, String slug, String title, String detail, Duration retryAfter) {
    this(status, slug, title, detail, null, retryAfter);
  }

  private ProblemException(
      int status,
      String slug,
      String title,
      String detail,
      List<Problem.FieldError> errors,
      Duration retryAfter) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }

  /** 400 {@code validation}: fields of the request break its rules. */
  public static ProblemException invalid(List<Problem.FieldError> errors) {
    return new ProblemException(
        400,
        ProblemMappers.VALIDATION,
        "Invalid request",
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : "The request has invalid fields; see errors.",
        errors);
  }

  /** 400 {@code validation} for one field. */
  public static ProblemException invalidField(String field, String message) {
    return invalid(List.of(new Problem.FieldError(field, message)));
  }

  /** 404: nothing there, or nothing of the caller's (the answer must be the same). */
  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "not-found", "Not Found", detail);
  }

  /** 401: the request carries no identity this service accepts. */
  public static ProblemException unauthorized(String detail) {
    return new ProblemException(401, ProblemMappers.UNAUTHORIZED, "Unauthorized", detail);
  }

  /**
   * 503 {@code unavailable} with {@code Retry-After}: a dependency or a bounded resource cannot
   * serve the request now, and the same request may succeed later.
   */
  public static ProblemException unavailable(String detail, Duration retryAfter) {
    return new ProblemException(
        503, ProblemMappers.UNAVAILABLE, "Service unavailable", detail, null, retryAfter);
  }

  /** The problem for the request at {@code path}. */
  public Problem toProblem(String path) {
    return new Problem(Problem.type(slug), title, status, getMessage(), path, errors);
  }

  /** The answer: the problem for the request at {@code path}, with its headers. */
  public Response toResponse(String path) {
    Response.ResponseBuilder response =
        Response.status(status).type(Problem.MEDIA_TYPE).entity(toProblem(path));
    if (status == 401) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    if (retryAfter != null) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
    }
    return response.build();
  }

  public int status() {
    return status;
  }

  /** How long a client should wait before retrying; null when a retry will not help. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
