package dev.tessera.orders.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem: the body of every 4xx and 5xx response ({@code application/problem+json}).
 *
 * @param type URI that names the kind of problem
 * @param title short summary of that kind
 * @param status the HTTP status code
 * @param detail what went wrong with this request
 * @param instance the path of the request
 * @param errors for invalid requests, what is wrong with which field
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
   * One invalid field.
   *
   * @param field its path in the request, e.g. {@code items[1].quantity}
   * @param message what is wrong with it
   */
  public record FieldError(String field, String message) {}
}
