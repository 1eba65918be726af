package dev.tessera.notifications.persistence;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Where a page of notifications ends, newest first: the next page starts strictly after it.
 *
 * @param createdAt creation time of the last notification of the page
 * @param id its id, which orders notifications created at the same instant
 */
public record PagePosition(Instant createdAt, UUID id) {

  /** Checks both parts are there. */
  public PagePosition {
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(id, "id");
  }
}
