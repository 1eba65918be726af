package dev.tessera.{{service}}.api;

import dev.tessera.{{service}}.persistence.{{Aggregate}}Entity;
import java.time.Instant;
import java.util.UUID;

/** A {{aggregate}} as the API shows it to its owner. */
public record {{Aggregate}}View(UUID id, String name, Instant createdAt) {

  static {{Aggregate}}View of({{Aggregate}}Entity entity) {
    return new {{Aggregate}}View(entity.id, entity.name, entity.createdAt);
  }
}
