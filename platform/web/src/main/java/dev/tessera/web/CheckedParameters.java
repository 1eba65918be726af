package dev.tessera.web;

import jakarta.inject.Singleton;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks every path and query parameter of every request, and every header a resource method reads,
 * against {@link InputRules} once the request is routed and before its body is read: one filter for
 * all endpoints, so none can forget it.
 */
@Singleton
public class CheckedParameters {

  private final int maxLength;
  private final Map<Method, List<String>> headersRead = new ConcurrentHashMap<>();

  CheckedParameters(WebConfig config) {
    this.maxLength = config.maxStringLength();
  }

  @ServerRequestFilter
  public void check(ContainerRequestContext request, ResourceInfo resource) {
    List<Problem.FieldError> errors = new ArrayList<>();
    check(request.getUriInfo().getPathParameters(), errors);
    check(request.getUriInfo().getQueryParameters(), errors);
    Method method = resource.getResourceMethod();
    if (method != null) {
      for (String header : headersRead.computeIfAbsent(method, CheckedParameters::headersOf)) {
        String rule = InputRules.problem(request.getHeaderString(header), maxLength);
        if (rule != null) {
          errors.add(new Problem.FieldError(header, rule));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
  }

  private void check(MultivaluedMap<String, String> parameters, List<Problem.FieldError> errors) {
    parameters.forEach(
        (name, values) -> {
          String nameRule = InputRules.problem(name, maxLength);
          if (nameRule != null) {
            errors.add(new Problem.FieldError("parameter name", nameRule));
            return;
          }
          for (String value : values) {
            String rule = InputRules.problem(value, maxLength);
            if (rule != null) {
              errors.add(new Problem.FieldError(name, rule));
              return;
            }
          }
        });
  }

  /** The headers {@code method} binds to parameters ({@code @HeaderParam}, {@code @RestHeader}). */
  private static List<String> headersOf(Method method) {
    List<String> headers = new ArrayList<>();
    for (Parameter parameter : method.getParameters()) {
      HeaderParam header = parameter.getAnnotation(HeaderParam.class);
      RestHeader rest = parameter.getAnnotation(RestHeader.class);
      if (header != null) {
        headers.add(header.value());
      } else if (rest != null) {
        headers.add(rest.value().isEmpty() ? parameter.getName() : rest.value());
      }
    }
    return List.copyOf(headers);
  }
}
