package dev.tessera.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/** Reads and writes event payloads as JSON, the same way for every producer and consumer. */
public final class EventCodec {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          // Registered after JavaTimeModule so that it wins for Instant.
          .addModule(
              new SimpleModule("TesseraStrictInstants")
                  .addDeserializer(Instant.class, new StrictInstantDeserializer()))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          // Tolerant reader: a producer may add optional fields before every consumer knows them.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // Tolerant of additions, strict about types: a value of the wrong JSON type breaks the
          // schema, and coercing it ("12" to 12, 1.5 to 1, a missing amount to 0) would hide that.
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfig(
              LogicalType.Textual,
              config ->
                  config
                      .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          // A payload with a repeated field or trailing text was not written by this codec.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  // Readers and writers keep the features they were made with, so a caller that reconfigures the
  // shared mapper() does not change how events are written or read.
  private static final ObjectReader READER = MAPPER.reader();
  private static final ObjectWriter WRITER = MAPPER.writer();

  private EventCodec() {}

  /**
   * Reads an {@link Instant} only from an ISO-8601 string, as the schemas' {@code date-time} format
   * says. Jackson's own deserializer also takes a number as epoch seconds, which would turn a
   * producer's epoch milliseconds silently into a date thousands of years away.
   */
  private static final class StrictInstantDeserializer extends StdDeserializer<Instant> {

    private static final long serialVersionUID = 1L;

    StrictInstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (!parser.hasToken(JsonToken.VALUE_STRING) || parser.getText().isEmpty()) {
        return (Instant)
            context.handleUnexpectedToken(
                Instant.class,
                parser.currentToken(),
                parser,
                "expected an ISO-8601 date-time string such as 2025-03-14T09:26:53Z");
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
  }

  /**
   * The shared, configured mapper: ISO-8601 dates, no nulls written, unknown properties ignored.
   * Treat it as read-only; it is the same instance for every caller.
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The event's JSON payload, as it goes into the outbox. */
  public static String toJson(IntegrationEvent event) {
    Objects.requireNonNull(event, "event");
    try {
      return WRITER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      // Our own records always serialise; failing here means the mapping itself is broken.
      throw new IllegalStateException("Cannot write " + event.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads a payload as {@code type}.
   *
   * @throws InvalidEventException if the payload is not JSON, misses a required field, has a field
   *     of the wrong type or breaks a rule of the record
   */
  public static <E extends IntegrationEvent> E fromJson(String json, Class<E> type)
      throws InvalidEventException {
    Objects.requireNonNull(type, "type");
    String name = type.getSimpleName();
    if (json == null) {
      throw new InvalidEventException("No payload for " + name);
    }
    E event;
    try {
      event = READER.forType(type).readValue(json);
    } catch (JsonProcessingException e) {
      // The original message names the field and the problem; the payload itself is left out,
      // since the message ends up in logs and payloads carry personal data.
      throw new InvalidEventException("Cannot read " + name + ": " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidEventException("Cannot read " + name + ": " + e.getMessage(), e);
    }
    if (event == null) {
      throw new InvalidEventException("Payload for " + name + " is JSON null");
    }
    return event;
  }
}
