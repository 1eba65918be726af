package dev.tessera.eventing.it;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.util.UUID;

/** A user as the test consumer projects it from UserRegistered events. */
@Entity
public class Member {
  @Id
  @Column(name = "user_id")
  public UUID userId;

  public String email;

  @Column(name = "display_name")
  public String displayName;

  /** The trace the consumer's span belonged to, to check that traces cross Kafka. */
  @Column(name = "trace_id")
  public String traceId;
}
