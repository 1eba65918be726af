package dev.tessera.contracts;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One event type: owning service and aggregate (its topic), name (eventType header) and record.
 *
 * @param service owning service, e.g. {@code orders}
 * @param aggregate aggregate the events are about, e.g. {@code order}; one topic per aggregate
 * @param name event name, e.g. {@code OrderPlaced}; also the schema's file name
 * @param javaType the record that carries the payload
 * @param <E> the record type
 */
public record EventType<E extends IntegrationEvent>(
    String service, String aggregate, String name, Class<E> javaType) {

  // Topic segments and schema paths are built from these: keep them to characters that are safe
  // in a Kafka topic name, a classpath path and a URL alike.
  private static final Pattern SEGMENT = Pattern.compile("[a-z][a-z0-9]*");
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");

  /** Rejects names that would give an unusable topic or schema path. */
  public EventType {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(aggregate, "aggregate");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(javaType, "javaType");
    if (!SEGMENT.matcher(service).matches() || !SEGMENT.matcher(aggregate).matches()) {
      throw new IllegalArgumentException(
          "service and aggregate must be lower-case words: " + service + ", " + aggregate);
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be an UpperCamelCase word: " + name);
    }
  }

  /** The Kafka topic of this event's aggregate, e.g. {@code orders.order.events}. */
  public String topic() {
    return service + "." + aggregate + ".events";
  }

  /** Classpath path of the current JSON Schema, e.g. {@code schemas/orders/OrderPlaced.json}. */
  public String schemaResource() {
    return "schemas/" + service + "/" + name + ".json";
  }
}
