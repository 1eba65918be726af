package dev.tessera.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a request, in every service, into an RFC 9457 problem: what the client got
 * wrong is a 4xx naming the fields at fault, a dependency outage is a 503 with {@code Retry-After},
 * anything else is a 500; no answer shows a stack trace or an internal message. A service adds
 * mappers only for its own domain exceptions.
 */
public class ProblemMappers {

  /** Slug of the 400 for fields that break a rule. */
  public static final String VALIDATION = "validation";

  /** Slug of the 400 for a body that is not JSON of the expected shape. */
  public static final String MALFORMED = "malformed-request";

  /** Slug of the 401. */
  public static final String UNAUTHORIZED = "unauthorized";

  /** Slug of the 503 of a dependency outage. */
  public static final String UNAVAILABLE = "unavailable";

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  private final Duration outageRetryAfter;

  ProblemMappers(
      @ConfigProperty(
              name = WebConfig.OUTAGE_RETRY_AFTER,
              defaultValue = WebConfig.DEFAULT_OUTAGE_RETRY_AFTER)
          Duration outageRetryAfter) {
    this.outageRetryAfter = outageRetryAfter;
  }

  @ServerExceptionMapper
  public Response problem(ProblemException e, HttpServerRequest request) {
    return e.toResponse(request.path());
  }

  @ServerExceptionMapper
  public Response invalidString(InvalidStringException e, HttpServerRequest request) {
    return ProblemException.invalidField(e.field(), e.rule()).toResponse(request.path());
  }

  // Listed one by one: Quarkus REST brings mappers for the specific Jackson exceptions, and the
  // most specific mapper wins.
  @ServerExceptionMapper({
    JsonProcessingException.class,
    JsonParseException.class,
    JsonMappingException.class,
    MismatchedInputException.class,
    InvalidFormatException.class
  })
  public Response unreadable(JsonProcessingException e, HttpServerRequest request) {
    String field = e instanceof JsonMappingException mapping ? path(mapping) : null;
    return new ProblemException(
            400,
            MALFORMED,
            "Malformed request",
            "The body is not valid JSON of the expected shape.",
            field == null
                ? null
                : List.of(new Problem.FieldError(field, "has the wrong type or format")))
        .toResponse(request.path());
  }

  @ServerExceptionMapper
  public Response invalid(ConstraintViolationException e, HttpServerRequest request) {
    if (e.getConstraintViolations().stream().anyMatch(ProblemMappers::ofReturnValue)) {
      // The service broke its own promise about a response: its fault, not the client's.
      return unexpected(e, request);
    }
    List<Problem.FieldError> errors =
        e.getConstraintViolations().stream()
            .map(v -> new Problem.FieldError(field(v), v.getMessage()))
            .sorted(Comparator.comparing(Problem.FieldError::field))
            .toList();
    return ProblemException.invalid(errors).toResponse(request.path());
  }

  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  public Response unauthenticated(RuntimeException e, HttpServerRequest request) {
    return ProblemException.unauthorized("A valid, unrevoked bearer token is required.")
        .toResponse(request.path());
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, HttpServerRequest request) {
    return new ProblemException(403, "forbidden", "Forbidden", "The token does not allow this.")
        .toResponse(request.path());
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, HttpServerRequest request) {
    // Quarkus REST's JSON reader wraps what Jackson threw in a 400.
    if (e.getCause() instanceof InvalidStringException invalid) {
      return invalidString(invalid, request);
    }
    if (e.getCause() instanceof JsonProcessingException unreadable) {
      return unreadable(unreadable, request);
    }
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return unexpected(e, request);
    }
    Response.StatusType known = Response.Status.fromStatusCode(status);
    String title = known == null ? "HTTP " + status : known.getReasonPhrase();
    return new ProblemException(
            status, title.toLowerCase(Locale.ROOT).replace(' ', '-'), title, title + ".")
        .toResponse(request.path());
  }

  /**
   * Everything else. A problem, an outage or a failed authentication may arrive wrapped (by a
   * reactive pipeline, Hibernate, a fault-tolerance guard), so the cause chain decides.
   */
  @ServerExceptionMapper
  public Response unexpected(Throwable e, HttpServerRequest request) {
    int depth = 0;
    for (Throwable t = e.getCause(); t != null && depth < 32; t = t.getCause(), depth++) {
      if (t instanceof ProblemException problem) {
        return problem(problem, request);
      }
      if (t instanceof UnauthorizedException || t instanceof AuthenticationFailedException) {
        return unauthenticated((RuntimeException) t, request);
      }
    }
    Throwable outage = Outages.outage(e);
    if (outage != null) {
      // Expected while a dependency is down, and the cause says it all: no stack trace.
      LOG.warnf(
          "%s %s: dependency unavailable: %s: %s",
          request.method(), request.path(), outage.getClass().getName(), outage.getMessage());
      return ProblemException.unavailable(
              "A service this request needs is unavailable; retry shortly.", outageRetryAfter)
          .toResponse(request.path());
    }
    LOG.errorf(e, "%s %s failed", request.method(), request.path());
    return new ProblemException(
            500, "internal", "Internal error", "The request could not be completed.")
        .toResponse(request.path());
  }

  private static boolean ofReturnValue(ConstraintViolation<?> violation) {
    for (Path.Node node : violation.getPropertyPath()) {
      if (node.getKind() == ElementKind.RETURN_VALUE) {
        return true;
      }
    }
    return false;
  }

  /** The violation's path inside the request: method and parameter nodes left out. */
  private static String field(ConstraintViolation<?> violation) {
    StringJoiner field = new StringJoiner(".");
    String parameter = null;
    for (Path.Node node : violation.getPropertyPath()) {
      if (node.getKind() == ElementKind.METHOD) {
        continue;
      }
      if (node.getKind() == ElementKind.PARAMETER) {
        parameter = node.getName();
        continue;
      }
      if (node.getName() != null) {
        field.add(node.getName());
      }
    }
    return field.length() > 0 ? field.toString() : parameter == null ? "body" : parameter;
  }

  /** The path of the field at fault in the body, e.g. {@code items[1].sku}; null if none. */
  static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }
}
