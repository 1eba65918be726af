package dev.tessera.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem: the body of every 4xx and 5xx answer of every service ({@code
 * application/problem+json}).
 *
 * @param type {@code https://tessera.dev/problems/<slug>}, names the kind of problem
 * @param title short, the same for every occurrence of the type
 * @param status the HTTP status
 * @param detail this occurrence, for a human; never an internal message or a stack trace
 * @param instance the request path
 * @param errors the fields at fault, for invalid requests; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<FieldError> errors) {

  /** The media type of problems. */
  public static final String MEDIA_TYPE = "application/problem+json";

  private static final String TYPES = "https://tessera.dev/problems/";

  public Problem {
    errors = errors == null || errors.isEmpty() ? null : List.copyOf(errors);
  }

  /** The type URI of {@code slug}, e.g. {@code validation}. */
  public static String type(String slug) {
    return TYPES + slug;
  }

  /**
   * One field at fault.
   *
   * @param field its path in the request, e.g. {@code items[1].sku}, or a parameter's name
   * @param message what is wrong with it
   */
  public record FieldError(String field, String message) {}
}
