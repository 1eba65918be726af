package dev.tessera.{{service}}.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A {{aggregate}} as stored, owned by the user who created it. */
@Entity
@Table(name = "{{aggregate}}")
public class {{Aggregate}}Entity {

  @Id public UUID id;

  @Column(name = "user_id", nullable = false, updatable = false)
  public UUID userId;

  @Column(nullable = false)
  public String name;

  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;
}
