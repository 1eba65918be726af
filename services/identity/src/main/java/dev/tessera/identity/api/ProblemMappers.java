package dev.tessera.identity.api;

import dev.tessera.identity.accounts.AccountException;
import dev.tessera.identity.domain.InvalidInputException;
import dev.tessera.identity.security.RevocationCheck.RevocationUnavailableException;
import dev.tessera.web.Problem;
import dev.tessera.web.ProblemException;
import dev.tessera.web.WebConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Identity's own problems: its domain's and its accounts' failures. Everything else (bad input at
 * the edge, authentication, outages, the unexpected) is answered by platform/web's {@link
 * dev.tessera.web.ProblemMappers}.
 */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  private final Duration retryAfter;

  ProblemMappers(
      @ConfigProperty(
              name = WebConfig.OUTAGE_RETRY_AFTER,
              defaultValue = WebConfig.DEFAULT_OUTAGE_RETRY_AFTER)
          Duration retryAfter) {
    this.retryAfter = retryAfter;
  }

  @ServerExceptionMapper
  public Response invalidInput(InvalidInputException e, HttpServerRequest request) {
    return ProblemException.invalid(
            e.errors().stream().map(f -> new Problem.FieldError(f.field(), f.message())).toList())
        .toResponse(request.path());
  }

  @ServerExceptionMapper
  public Response account(AccountException e, HttpServerRequest request) {
    ProblemException problem =
        switch (e.kind()) {
          case INVALID_CREDENTIALS ->
              new ProblemException(
                  401,
                  "invalid-credentials",
                  "Invalid credentials",
                  "The e-mail address or the password is not correct.");
          case INVALID_REFRESH_TOKEN ->
              new ProblemException(
                  401,
                  "invalid-refresh-token",
                  "Invalid refresh token",
                  "The refresh token is unknown, expired or revoked. Log in again.");
          case SUSPENDED ->
              new ProblemException(
                  403, "user-suspended", "User suspended", "This account is suspended.");
          case EMAIL_TAKEN ->
              new ProblemException(
                  409,
                  "email-taken",
                  "E-mail address taken",
                  "A user with this e-mail address already exists.");
          case USER_NOT_FOUND -> ProblemException.notFound("No such user.");
          case TOO_MANY_ATTEMPTS ->
              new ProblemException(
                  429,
                  "too-many-login-attempts",
                  "Too many log-in attempts",
                  "Too many failed log-ins for this e-mail address; try again later.");
        };
    Response response = problem.toResponse(request.path());
    return e.kind() == AccountException.Kind.TOO_MANY_ATTEMPTS
        ? Response.fromResponse(response)
            .header("Retry-After", Long.toString(e.retryAfterSeconds()))
            .build()
        : response;
  }

  @ServerExceptionMapper
  public Response revocationUnavailable(
      RevocationUnavailableException e, HttpServerRequest request) {
    LOG.warn("Revocation store unavailable", e);
    return ProblemException.unavailable(
            "Tokens cannot be checked right now; try again shortly.", retryAfter)
        .toResponse(request.path());
  }
}
