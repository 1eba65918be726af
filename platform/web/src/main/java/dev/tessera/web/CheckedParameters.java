package dev.tessera.web;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * Checks every path and query parameter of every routed request, and every header a resource method
 * reads, against {@link InputRules} once the request is routed and before its body is read: one
 * filter for all endpoints, so none can forget it.
 */
@Provider
public class CheckedParameters implements ContainerRequestFilter {

  private final int maxLength;
  private final Map<Method, List<String>> headersRead = new ConcurrentHashMap<>();

  @Context ResourceInfo resource;

  CheckedParameters(
      @ConfigProperty(
              name = WebConfig.MAX_STRING_LENGTH,
              defaultValue = WebConfig.DEFAULT_MAX_STRING_LENGTH)
          int maxLength) {
    this.maxLength = maxLength;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    List<Problem.FieldError> errors = new ArrayList<>();
    checkEach(request.getUriInfo().getPathParameters(), errors);
    checkEach(request.getUriInfo().getQueryParameters(), errors);
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

  private void checkEach(
      MultivaluedMap<String, String> parameters, List<Problem.FieldError> errors) {
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
