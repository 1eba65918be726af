package dev.tessera.billing.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem: the body of every 4xx and 5xx answer.
 *
 * @param type URI of the problem type
 * @param title short, the same for every occurrence of the type
 * @param status the HTTP status
 * @param detail this occurrence, for a human
 * @param instance the request path
 * @param errors the fields that were wrong, for validation problems
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

  /**
   * One wrong field.
   *
   * @param field the field's name in the request, e.g. {@code token} or {@code cursor}
   * @param message what is wrong with it
   */
  public record FieldError(String field, String message) {}
}
