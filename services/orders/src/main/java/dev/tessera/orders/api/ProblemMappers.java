package dev.tessera.orders.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.tessera.orders.domain.IllegalTransitionException;
import dev.tessera.orders.domain.InvalidOrderException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a request into an RFC 9457 problem: bad input is a 4xx with the fields at
 * fault, and nothing shows a stack trace or an internal message.
 */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
  private static final String TYPES = "https://tessera.dev/problems/";

  static String type(String slug) {
    return TYPES + slug;
  }

  @ServerExceptionMapper
  public Response problem(ProblemException e, HttpServerRequest request) {
    return respond(e.toProblem(request.path()));
  }

  @ServerExceptionMapper
  public Response invalidOrder(InvalidOrderException e, HttpServerRequest request) {
    boolean malformed = e.kind() == InvalidOrderException.Kind.MALFORMED;
    List<Problem.FieldError> errors =
        e.violations().stream().map(v -> new Problem.FieldError(v.field(), v.message())).toList();
    return respond(
        new Problem(
            type(malformed ? "invalid-request" : "unprocessable-order"),
            malformed ? "Invalid request" : "Order cannot be placed",
            malformed ? 400 : 422,
            malformed
                ? "The order breaks " + errors.size() + " rule(s); see errors."
                : "The catalog cannot serve this order; see errors.",
            request.path(),
            errors));
  }

  @ServerExceptionMapper
  public Response illegalTransition(IllegalTransitionException e, HttpServerRequest request) {
    return respond(
        new Problem(
            type("illegal-state"),
            "Order is in the wrong state",
            409,
            "The order is " + e.from() + " and cannot become " + e.to() + ".",
            request.path(),
            null));
  }

  @ServerExceptionMapper({OptimisticLockException.class, StaleStateException.class})
  public Response concurrentChange(RuntimeException e, HttpServerRequest request) {
    return respond(
        new Problem(
            type("concurrent-change"),
            "Changed concurrently",
            409,
            "The order changed while this request was handled; read it again and retry.",
            request.path(),
            null));
  }

  @ServerExceptionMapper({MismatchedInputException.class, JsonProcessingException.class})
  public Response unreadableBody(JsonProcessingException e, HttpServerRequest request) {
    String field = e instanceof MismatchedInputException m ? path(m) : null;
    return respond(
        new Problem(
            type("invalid-request"),
            "Invalid request",
            400,
            "The body is not valid JSON of the expected shape.",
            request.path(),
            field == null
                ? null
                : List.of(new Problem.FieldError(field, "has the wrong type or format"))));
  }

  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  public Response unauthorized(RuntimeException e, HttpServerRequest request) {
    Response response =
        respond(
            new Problem(
                type("unauthorized"),
                "Unauthorized",
                401,
                "A valid bearer token is required.",
                request.path(),
                null));
    return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, HttpServerRequest request) {
    return respond(
        new Problem(
            type("forbidden"),
            "Forbidden",
            403,
            "The token does not allow this.",
            request.path(),
            null));
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, HttpServerRequest request) {
    int status = e.getResponse().getStatus();
    Response.StatusType info = Response.Status.fromStatusCode(status);
    String title = info == null ? "HTTP " + status : info.getReasonPhrase();
    if (status >= 500) {
      LOG.errorf(e, "request %s %s failed", request.method(), request.path());
    }
    return respond(
        new Problem(
            type(title.toLowerCase().replace(' ', '-')),
            title,
            status,
            status >= 500 ? "The request could not be handled." : e.getMessage(),
            request.path(),
            null));
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e, HttpServerRequest request) {
    LOG.errorf(e, "request %s %s failed", request.method(), request.path());
    return respond(
        new Problem(
            type("internal-error"),
            "Internal error",
            500,
            "The request could not be handled.",
            request.path(),
            null));
  }

  private static Response respond(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  private static String path(MismatchedInputException e) {
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
