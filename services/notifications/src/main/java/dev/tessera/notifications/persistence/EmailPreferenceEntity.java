package dev.tessera.notifications.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A user's e-mail choices; no row means the defaults. */
@Entity
@Table(name = "email_preference")
public class EmailPreferenceEntity {

  @Id
  @Column(name = "user_id")
  public UUID userId;

  @Column(nullable = false)
  public boolean account;

  @Column(nullable = false)
  public boolean orders;

  @Column(nullable = false)
  public boolean payments;
}
