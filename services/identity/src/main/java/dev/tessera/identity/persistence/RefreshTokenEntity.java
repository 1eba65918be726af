package dev.tessera.identity.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A refresh token, known only by the SHA-256 of its value. */
@Entity
@Table(name = "refresh_tokens")
public class RefreshTokenEntity {

  /** Hex SHA-256 of the opaque token. */
  @Id
  @Column(name = "token_hash")
  public String tokenHash;

  @Column(name = "family_id", nullable = false)
  public UUID familyId;

  @Column(name = "user_id", nullable = false)
  public UUID userId;

  @Column(name = "issued_at", nullable = false)
  public Instant issuedAt;

  @Column(name = "expires_at", nullable = false)
  public Instant expiresAt;

  @Column(name = "used_at")
  public Instant usedAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;
}
