package dev.tessera.orders.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.EventTypes;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Checks what orders publishes against the event's JSON Schema in {@code contracts}. */
final class EventSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();

  // Draft 2020-12 treats format as an annotation by default; uuid and date-time must be checked.
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

  private EventSchemas() {}

  /** What is wrong with {@code payload} as an event of {@code eventType}; empty when valid. */
  static List<String> errors(String eventType, String payload) {
    EventType<?> type = EventTypes.byName(eventType).orElseThrow();
    try (InputStream in =
        EventType.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
      var schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(JSON.readTree(in), CONFIG);
      return schema.validate(JSON.readTree(payload)).stream()
          .map(ValidationMessage::getMessage)
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
