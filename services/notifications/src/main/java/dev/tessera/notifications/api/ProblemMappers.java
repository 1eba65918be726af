package dev.tessera.notifications.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
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
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure of the API to an RFC 9457 problem; no stack trace ever leaves. */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
  private static final String TYPE = "https://tessera.dev/problems/";

  @ServerExceptionMapper
  Response problem(ProblemException e, HttpServerRequest request) {
    return respond(e.status(), e.title(), e.getMessage(), request, e.errors());
  }

  @ServerExceptionMapper
  Response invalid(ConstraintViolationException e, HttpServerRequest request) {
    List<Problem.FieldError> errors =
        e.getConstraintViolations().stream()
            .map(v -> new Problem.FieldError(field(v), v.getMessage()))
            .sorted(Comparator.comparing(Problem.FieldError::field))
            .collect(Collectors.toList());
    return respond(400, "Bad Request", "The request has invalid fields.", request, errors);
  }

  // Named explicitly: the JSON extension maps MismatchedInputException itself, without a problem.
  @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
  Response unreadable(Exception e, HttpServerRequest request) {
    List<Problem.FieldError> errors = null;
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringJoiner path = new StringJoiner(".");
      mapping
          .getPath()
          .forEach(
              ref ->
                  path.add(
                      ref.getFieldName() != null
                          ? ref.getFieldName()
                          : String.valueOf(ref.getIndex())));
      errors = List.of(new Problem.FieldError(path.toString(), "has the wrong type"));
    }
    return respond(
        400,
        "Bad Request",
        "The request body is not valid JSON of the expected shape.",
        request,
        errors);
  }

  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  Response unauthorized(RuntimeException e, HttpServerRequest request) {
    return respond(401, "Unauthorized", "A valid bearer token is required.", request, null);
  }

  @ServerExceptionMapper
  Response forbidden(ForbiddenException e, HttpServerRequest request) {
    return respond(403, "Forbidden", "Not allowed.", request, null);
  }

  @ServerExceptionMapper
  Response web(WebApplicationException e, HttpServerRequest request) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      LOG.error("request failed", e);
    }
    Response.StatusType type = Response.Status.fromStatusCode(status);
    String title = type == null ? "Error" : type.getReasonPhrase();
    return respond(
        status,
        title,
        status >= 500 ? "The request could not be served." : title + ".",
        request,
        null);
  }

  @ServerExceptionMapper
  Response unexpected(Throwable e, HttpServerRequest request) {
    LOG.error("unexpected failure", e);
    return respond(500, "Internal Server Error", "The request could not be served.", request, null);
  }

  private static Response respond(
      int status,
      String title,
      String detail,
      HttpServerRequest request,
      List<Problem.FieldError> errors) {
    String slug = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .entity(new Problem(TYPE + slug, title, status, detail, request.path(), errors))
        .build();
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
}
