package dev.tessera.identity.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.tessera.identity.accounts.AccountException;
import dev.tessera.identity.domain.FieldError;
import dev.tessera.identity.domain.InvalidInputException;
import dev.tessera.identity.security.HashingPool;
import dev.tessera.identity.security.LoginThrottle;
import dev.tessera.identity.security.RevocationCheck.RevocationUnavailableException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into an RFC 9457 problem; no stack trace ever leaves the service. */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response invalidInput(InvalidInputException e, UriInfo uri) {
    return Problems.problem(
        400,
        "validation",
        "Invalid input",
        "Some fields are not valid; see errors.",
        path(uri),
        e.errors());
  }

  @ServerExceptionMapper
  public Response account(AccountException e, UriInfo uri) {
    return switch (e.kind()) {
      case INVALID_CREDENTIALS ->
          unauthorized(
              "invalid-credentials",
              "Invalid credentials",
              "The e-mail address or the password is not correct.",
              uri);
      case INVALID_REFRESH_TOKEN ->
          unauthorized(
              "invalid-refresh-token",
              "Invalid refresh token",
              "The refresh token is unknown, expired or revoked. Log in again.",
              uri);
      case SUSPENDED ->
          Problems.problem(
              403, "user-suspended", "User suspended", "This account is suspended.", path(uri));
      case EMAIL_TAKEN ->
          Problems.problem(
              409,
              "email-taken",
              "E-mail address taken",
              "A user with this e-mail address already exists.",
              path(uri));
      case USER_NOT_FOUND ->
          Problems.problem(404, "not-found", "Not found", "No such user.", path(uri));
      case TOO_MANY_ATTEMPTS ->
          Response.fromResponse(
                  Problems.problem(
                      429,
                      "too-many-login-attempts",
                      "Too many log-in attempts",
                      "Too many failed log-ins for this e-mail address; try again later.",
                      path(uri)))
              .header("Retry-After", Long.toString(e.retryAfterSeconds()))
              .build();
    };
  }

  @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
  public Response unauthenticated(RuntimeException e, UriInfo uri) {
    return unauthorized(
        "unauthorized", "Unauthorized", "A valid, unrevoked bearer token is required.", uri);
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return Problems.problem(
        403, "forbidden", "Forbidden", "You may not perform this operation.", path(uri));
  }

  @ServerExceptionMapper
  public Response revocationUnavailable(RevocationUnavailableException e, UriInfo uri) {
    LOG.warnf("Revocation store unavailable: %s", e.getCause());
    return Response.fromResponse(
            Problems.problem(
                503,
                "unavailable",
                "Service unavailable",
                "Tokens cannot be checked right now; try again shortly.",
                path(uri)))
        .header("Retry-After", "5")
        .build();
  }

  @ServerExceptionMapper
  public Response busy(HashingPool.Busy e, UriInfo uri) {
    return Response.fromResponse(
            Problems.problem(
                503,
                "busy",
                "Too busy",
                "Too many password checks are in progress; try again shortly.",
                path(uri)))
        .header("Retry-After", "1")
        .build();
  }

  @ServerExceptionMapper
  public Response throttleUnavailable(LoginThrottle.Unavailable e, UriInfo uri) {
    LOG.warnf("Refusing a password check: %s", e.getMessage());
    return Response.fromResponse(
            Problems.problem(
                503,
                "unavailable",
                "Service unavailable",
                "Passwords cannot be checked right now; try again shortly.",
                path(uri)))
        .header("Retry-After", "5")
        .build();
  }

  // Listed one by one: Quarkus REST brings mappers for the specific Jackson exceptions, and the
  // most specific mapper wins.
  @ServerExceptionMapper({
    JsonProcessingException.class,
    JsonParseException.class,
    MismatchedInputException.class,
    InvalidFormatException.class
  })
  public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
    String detail = "The request body is not valid JSON for this operation.";
    List<FieldError> errors = List.of();
    if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      String field = mismatch.getPath().get(mismatch.getPath().size() - 1).getFieldName();
      if (field != null) {
        errors = List.of(new FieldError(field, "has the wrong type"));
      }
    }
    return Problems.problem(
        400, "malformed-request", "Malformed request", detail, path(uri), errors);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      LOG.error("Request failed", e);
    }
    Response.Status known = Response.Status.fromStatusCode(status);
    String title = known != null ? known.getReasonPhrase() : "Error";
    String slug = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    return Problems.problem(status, slug, title, title + ".", path(uri));
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e, UriInfo uri) {
    // A cause wrapped by a reactive pipeline may be one of the problems above.
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof InvalidInputException i) {
        return invalidInput(i, uri);
      }
      if (t instanceof AccountException a) {
        return account(a, uri);
      }
      if (t instanceof AuthenticationFailedException a) {
        return unauthenticated(a, uri);
      }
      if (t instanceof HashingPool.Busy b) {
        return busy(b, uri);
      }
      if (t instanceof LoginThrottle.Unavailable u) {
        return throttleUnavailable(u, uri);
      }
    }
    LOG.error("Unexpected failure", e);
    return Problems.problem(
        500, "internal", "Internal error", "Something went wrong on our side.", path(uri));
  }

  private static Response unauthorized(String slug, String title, String detail, UriInfo uri) {
    Response problem = Problems.problem(401, slug, title, detail, path(uri));
    return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
  }

  private static String path(UriInfo uri) {
    return uri == null ? null : uri.getPath();
  }
}
