package dev.tessera.eventing.inbox;

import dev.tessera.contracts.EventType;
import dev.tessera.contracts.IntegrationEvent;
import java.util.UUID;

/** An event as a consumer receives it: the typed payload and where it came from. */
public record ReceivedEvent<E extends IntegrationEvent>(
    UUID id, EventType<E> type, E payload, String topic, int partition, long offset) {}
