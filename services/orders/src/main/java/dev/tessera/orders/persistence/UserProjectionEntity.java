package dev.tessera.orders.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * A row of the user projection, read by id on every order placement. Written only by the upserts of
 * {@link UserProjection}, so Hibernate never changes it.
 *
 * <p>Read as an entity rather than with a native query: Hibernate Reactive's native select plans
 * never match their cache key (its result-set mapping wrapper has no {@code equals}), so each
 * execution added one more entry with the same hash to the query plan cache, and every lookup
 * walked them all.
 */
@Entity
@Immutable
@Table(name = "user_projection")
public class UserProjectionEntity {

  /** The status a suspended user has. */
  public static final String SUSPENDED = "SUSPENDED";

  @Id public UUID id;

  @Column(nullable = false)
  public String status;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;
}
