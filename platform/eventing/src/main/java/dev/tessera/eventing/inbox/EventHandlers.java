package dev.tessera.eventing.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.contracts.EventType;
import dev.tessera.contracts.IntegrationEvent;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The handlers one consumer has, by event type. A consumer that reads a topic handles the event
 * types it cares about; the others on that topic are skipped.
 */
public final class EventHandlers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String consumer;
  private final Map<String, Registration<?>> byName;
  private final String userField;
  private final AfterCommit afterCommit;

  private EventHandlers(
      String consumer,
      Map<String, Registration<?>> byName,
      String userField,
      AfterCommit afterCommit) {
    this.consumer = consumer;
    this.byName = Map.copyOf(byName);
    this.userField = userField;
    this.afterCommit = afterCommit;
  }

  /**
   * What a consumer does once the transaction that applied an event has committed: work that must
   * not run inside it (a provider call, an e-mail) or that tells others about the change (a cache
   * entry forgotten). It runs for an event this consumer applied, on that record's context and
   * trace, and never for one it ignored, found already applied, or parked. It should not fail; a
   * failure is logged and does not fail the record (its change is committed). It may not run at all
   * (the process stops right after the commit): whatever it starts must also be picked up by a job
   * that finds the committed state.
   */
  @FunctionalInterface
  public interface AfterCommit {
    Uni<Void> run(ReceivedEvent<?> event);
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

  /**
   * The user whose data {@code payload} changes, for a consumer routed by user ({@link
   * Builder#routedByUser}); empty for one that is not, or a payload without a valid one. Read from
   * the JSON, so that a record of a type this release does not know is routed too.
   */
  Optional<UUID> userOf(String payload) {
    if (userField == null || payload == null) {
      return Optional.empty();
    }
    try {
      JsonNode user = JSON.readTree(payload).get(userField);
      return user == null || !user.isTextual()
          ? Optional.empty()
          : Optional.of(UUID.fromString(user.asText()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  AfterCommit afterCommit() {
    return afterCommit;
  }

  Optional<Registration<?>> forType(String eventType) {
    return Optional.ofNullable(eventType).map(byName::get);
  }

  record Registration<E extends IntegrationEvent>(EventType<E> type, EventHandler<E> handler) {}

  /** Collects the handlers of one consumer. */
  public static final class Builder {
    private final String consumer;
    private final Map<String, Registration<?>> byName = new LinkedHashMap<>();
    private String userField;
    private AfterCommit afterCommit = event -> Uni.createFrom().voidItem();

    private Builder(String consumer) {
      this.consumer = consumer;
    }

    /**
     * Applies each record on the database that owns the shard of the user its payload names in
     * {@code field} (a sharded service, platform/sharding {@code ShardRouter}), and records that
     * shard with its inbox row. A record without one is applied on the home database.
     */
    public Builder routedByUser(String field) {
      this.userField = field;
      return this;
    }

    /** Handles events of {@code type} with {@code handler}. */
    public <E extends IntegrationEvent> Builder on(EventType<E> type, EventHandler<E> handler) {
      if (byName.putIfAbsent(type.name(), new Registration<>(type, handler)) != null) {
        throw new IllegalArgumentException("two handlers for " + type.name());
      }
      return this;
    }

    /** Runs {@code work} after each event these handlers applied has committed. */
    public Builder afterCommit(AfterCommit work) {
      this.afterCommit = work;
      return this;
    }

    /** The handlers, ready for {@link IdempotentConsumer#process}. */
    public EventHandlers build() {
      if (byName.isEmpty()) {
        throw new IllegalStateException(consumer + " handles no event type");
      }
      return new EventHandlers(consumer, byName, userField, afterCommit);
    }
  }
}
