package dev.tessera.orders.api;

import dev.tessera.orders.domain.IllegalTransitionException;
import dev.tessera.orders.domain.InvalidOrderException;
import dev.tessera.web.Problem;
import dev.tessera.web.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.hibernate.StaleStateException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Orders' own problems: its domain's failures. Everything else (bad input at the edge,
 * authentication, outages, the unexpected) is answered by platform/web's {@link
 * dev.tessera.web.ProblemMappers}.
 */
public class ProblemMappers {

  /** 400 {@code invalid-request}: the order or a parameter of its queries breaks a rule. */
  static ProblemException invalidRequest(String detail, List<Problem.FieldError> errors) {
    return new ProblemException(400, "invalid-request", "Invalid request", detail, errors);
  }

  @ServerExceptionMapper
  public Response invalidOrder(InvalidOrderException e, HttpServerRequest request) {
    List<Problem.FieldError> errors =
        e.violations().stream().map(v -> new Problem.FieldError(v.field(), v.message())).toList();
    ProblemException problem =
        e.kind() == InvalidOrderException.Kind.MALFORMED
            ? invalidRequest("The order breaks " + errors.size() + " rule(s); see errors.", errors)
            : new ProblemException(
                422,
                "unprocessable-order",
                "Order cannot be placed",
                "The catalog cannot serve this order; see errors.",
                errors);
    return problem.toResponse(request.path());
  }

  @ServerExceptionMapper
  public Response illegalTransition(IllegalTransitionException e, HttpServerRequest request) {
    return new ProblemException(
            409,
            "illegal-state",
            "Order is in the wrong state",
            "The order is " + e.from() + " and cannot become " + e.to() + ".")
        .toResponse(request.path());
  }

  @ServerExceptionMapper({OptimisticLockException.class, StaleStateException.class})
  public Response concurrentChange(RuntimeException e, HttpServerRequest request) {
    return new ProblemException(
            409,
            "concurrent-change",
            "Changed concurrently",
            "The order changed while this request was handled; read it again and retry.")
        .toResponse(request.path());
  }
}
