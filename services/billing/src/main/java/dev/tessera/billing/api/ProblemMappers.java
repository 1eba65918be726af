package dev.tessera.billing.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure of a request into an RFC 9457 problem, without a stack trace. */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  Response problem(ProblemException e, UriInfo uri) {
    return respond(
        new Problem(e.type(), e.title(), e.status(), e.getMessage(), path(uri), e.errors()));
  }

  @ServerExceptionMapper
  Response unreadable(JsonProcessingException e, UriInfo uri) {
    return respond(
        new Problem(
            "https://tessera.dev/problems/malformed-body",
            "Malformed request body",
            400,
            "the body is not the JSON object this endpoint expects",
            path(uri),
            null));
  }

  @ServerExceptionMapper
  Response unauthorized(UnauthorizedException e, UriInfo uri) {
    return unauthenticated(uri);
  }

  @ServerExceptionMapper
  Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
    return unauthenticated(uri);
  }

  @ServerExceptionMapper
  Response forbidden(ForbiddenException e, UriInfo uri) {
    return respond(
        new Problem(
            "https://tessera.dev/problems/forbidden",
            "Forbidden",
            403,
            "this operation needs a role the token does not have",
            path(uri),
            null));
  }

  @ServerExceptionMapper
  Response web(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    Response.StatusType type = Response.Status.fromStatusCode(status);
    String title = type == null ? "HTTP " + status : type.getReasonPhrase();
    return respond(
        new Problem(
            "https://tessera.dev/problems/http-" + status,
            title,
            status,
            status >= 500 ? "the request could not be completed" : e.getMessage(),
            path(uri),
            null));
  }

  @ServerExceptionMapper
  Response unexpected(Exception e, UriInfo uri) {
    LOG.errorf(e, "request %s failed", path(uri));
    return respond(
        new Problem(
            "https://tessera.dev/problems/internal",
            "Internal Server Error",
            500,
            "the request could not be completed",
            path(uri),
            null));
  }

  private static Response unauthenticated(UriInfo uri) {
    return Response.status(401)
        .header("WWW-Authenticate", "Bearer")
        .type(Problem.MEDIA_TYPE)
        .entity(
            new Problem(
                "https://tessera.dev/problems/unauthorized",
                "Unauthorized",
                401,
                "a valid bearer token is required",
                path(uri),
                null))
        .build();
  }

  private static Response respond(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  private static String path(UriInfo uri) {
    return uri == null ? null : uri.getRequestUri().getRawPath();
  }
}
