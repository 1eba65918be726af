package dev.tessera.identity.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The durable copy of one revocation entry in Redis, from which a Redis that lost it re-seeds. */
@Entity
@Table(name = "revocations")
public class RevocationEntity {

  /** The Redis key, e.g. {@code revoked:sid:<sid>}. */
  @Id
  @Column(name = "redis_key")
  public String key;

  @Column(nullable = false)
  public String value;

  /** Until when the entry must exist: the latest {@code exp} it covers plus the clock skew. */
  @Column(name = "expires_at", nullable = false)
  public Instant expiresAt;
}
