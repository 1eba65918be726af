package dev.tessera.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A string in a JSON body that breaks {@link InputRules}. A {@link JsonMappingException}, so
 * Jackson adds the path of the field (e.g. {@code items[1].sku}) while the exception travels out of
 * the nested deserializers.
 */
final class InvalidStringException extends JsonMappingException {

  private final String rule;

  InvalidStringException(JsonParser parser, String rule) {
    super(parser, "a string " + rule);
    this.rule = rule;
  }

  /** What the string breaks, e.g. {@code must not contain control characters}. */
  String rule() {
    return rule;
  }

  /** The field's path in the body, e.g. {@code items[1].sku}; {@code body} for a bare string. */
  String field() {
    String path = ProblemMappers.path(this);
    return path == null ? "body" : path;
  }
}
