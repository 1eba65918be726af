package dev.tessera.identity.persistence;

import dev.tessera.identity.domain.Role;
import dev.tessera.identity.domain.UserStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user row. */
@Entity
@Table(name = "users")
public class UserEntity {

  @Id public UUID id;

  @Column(nullable = false)
  public String email;

  @Column(name = "display_name", nullable = false)
  public String displayName;

  @Column(name = "password_hash", nullable = false)
  public String passwordHash;

  /** Comma-separated claim values, e.g. {@code user,admin}. */
  @Column(nullable = false)
  public String roles;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public UserStatus status;

  @Column(name = "tokens_not_before")
  public Instant tokensNotBefore;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  public List<Role> roleList() {
    return Role.parse(roles);
  }
}
