package dev.tessera.eventing.inbox;

import dev.tessera.contracts.EventType;
import dev.tessera.contracts.IntegrationEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The handlers one consumer has, by event type. A consumer that reads a topic handles the event
 * types it cares about; the others on that topic are skipped.
 */
public final class EventHandlers {

  private final String consumer;
  private final Map<String, Registration<?>> byName;

  private EventHandlers(String consumer, Map<String, Registration<?>> byName) {
    this.consumer = consumer;
    this.byName = Map.copyOf(byName);
  }

  /**
   * Starts the handlers of a consumer. Its name keys the de-duplication records, so it must stay
   * the same across releases and differ between two consumers that may see the same event.
   */
  public static Builder consumer(String name) {
    if (name == null || name.isBlank() || name.length() > 100) {
      throw new IllegalArgumentException("a consumer name has 1 to 100 characters: " + name);
    }
    return new Builder(name);
  }

  /** The consumer's name, as recorded in the inbox. */
  public String consumer() {
    return consumer;
  }

  Optional<Registration<?>> forType(String eventType) {
    return Optional.ofNullable(eventType).map(byName::get);
  }

  record Registration<E extends IntegrationEvent>(EventType<E> type, EventHandler<E> handler) {}

  /** Collects the handlers of one consumer. */
  public static final class Builder {
    private final String consumer;
    private final Map<String, Registration<?>> byName = new LinkedHashMap<>();

    private Builder(String consumer) {
      this.consumer = consumer;
    }

    /** Handles events of {@code type} with {@code handler}. */
    public <E extends IntegrationEvent> Builder on(EventType<E> type, EventHandler<E> handler) {
      if (byName.putIfAbsent(type.name(), new Registration<>(type, handler)) != null) {
        throw new IllegalArgumentException("two handlers for " + type.name());
      }
      return this;
    }

    /** The handlers, ready for {@link IdempotentConsumer#process}. */
    public EventHandlers build() {
      if (byName.isEmpty()) {
        throw new IllegalStateException(consumer + " handles no event type");
      }
      return new EventHandlers(consumer, byName);
    }
  }
}
