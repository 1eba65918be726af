package dev.tessera.eventing.it;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.util.UUID;

/** The state change the test producer makes together with recording UserRegistered. */
@Entity
public class Registration {
  @Id
  @Column(name = "user_id")
  public UUID userId;

  public String email;
}
