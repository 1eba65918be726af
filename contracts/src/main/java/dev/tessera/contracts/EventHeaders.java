package dev.tessera.contracts;

/** Kafka header names of the event envelope. */
public final class EventHeaders {

  /** The event's own UUID: what consumers record to ignore a redelivery. */
  public static final String ID = "id";

  /** The event type's name, e.g. {@code OrderPlaced}: see {@link EventTypes#byName(String)}. */
  public static final String EVENT_TYPE = "eventType";

  /** W3C trace context of the request that caused the event, so traces cross Kafka. */
  public static final String TRACEPARENT = "traceparent";

  private EventHeaders() {}
}
