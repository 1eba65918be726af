package dev.tessera.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** An integration event that crosses service boundaries. */
public interface IntegrationEvent {

  /** Id of the aggregate this event is about; the Kafka record key. */
  // Ignored by Jackson: the key travels in the record key, and a second copy in the payload could
  // disagree with it.
  @JsonIgnore
  String aggregateId();
}
