package dev.tessera.eventing;

import dev.tessera.web.Problem;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Marks the request's span with the problem a service answered: every problem's {@code type} as
 * {@code tessera.problem.type}, and a server error's span as an error, so a trace shows why a
 * request failed, not only that it did.
 */
@Provider
public class ProblemSpans implements ContainerResponseFilter {

  /** The span attribute that carries a problem's type URI. */
  public static final String PROBLEM_TYPE = "tessera.problem.type";

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(response.getEntity() instanceof Problem problem)) {
      return;
    }
    Span span = Span.current();
    span.setAttribute(PROBLEM_TYPE, problem.type());
    if (problem.status() >= 500) {
      // 4xx stay unset: the server did its job (OpenTelemetry's HTTP server conventions).
      span.setStatus(StatusCode.ERROR, problem.title());
    }
  }
}
