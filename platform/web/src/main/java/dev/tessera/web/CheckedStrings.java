package dev.tessera.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import jakarta.inject.Singleton;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The object mapper of request and response bodies: the application's own, plus a check of every
 * string of every JSON body against {@link InputRules} while it is read. It covers a field of any
 * request record, nested or in a list, without an annotation that a new endpoint could forget; a
 * string that breaks a rule fails the body as a whole, before a resource method (or a database)
 * sees any of it. Only HTTP bodies: events and stored JSON keep the application's mapper.
 */
@Provider
@Singleton
public class CheckedStrings implements ContextResolver<ObjectMapper> {

  private final ObjectMapper mapper;

  CheckedStrings(
      ObjectMapper application,
      @ConfigProperty(
              name = WebConfig.MAX_STRING_LENGTH,
              defaultValue = WebConfig.DEFAULT_MAX_STRING_LENGTH)
          int maxLength) {
    this.mapper =
        application
            .copy()
            .registerModule(
                new SimpleModule("tessera-checked-strings")
                    .addDeserializer(String.class, new Deserializer(maxLength)));
  }

  @Override
  public ObjectMapper getContext(Class<?> type) {
    return mapper;
  }

  /** The string deserializer of Jackson, plus the rules. */
  static final class Deserializer extends StdScalarDeserializer<String> {

    private final int maxLength;

    Deserializer(int maxLength) {
      super(String.class);
      this.maxLength = maxLength;
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      String value = StringDeserializer.instance.deserialize(parser, context);
      String rule = InputRules.problem(value, maxLength);
      if (rule != null) {
        throw new InvalidStringException(parser, rule);
      }
      return value;
    }

    @Override
    public Object getEmptyValue(DeserializationContext context) {
      return "";
    }
  }
}
