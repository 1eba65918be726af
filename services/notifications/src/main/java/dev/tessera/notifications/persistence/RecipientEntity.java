package dev.tessera.notifications.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/**
 * A row of {@code recipient}: where a user's e-mails go, read by {@link NotificationStore}; written
 * by its native statements only.
 */
@Entity
@Immutable
@Table(name = "recipient")
public class RecipientEntity {

  @Id
  @Column(name = "user_id")
  public UUID userId;

  public String email;

  @Column(name = "display_name")
  public String displayName;
}
