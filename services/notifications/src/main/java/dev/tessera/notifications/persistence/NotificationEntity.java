package dev.tessera.notifications.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of the in-app inbox. */
@Entity
@Table(name = "notification")
public class NotificationEntity {

  @Id public UUID id;

  @Column(name = "event_id", nullable = false, updatable = false)
  public UUID eventId;

  @Column(name = "user_id", nullable = false, updatable = false)
  public UUID userId;

  @Column(nullable = false)
  public String category;

  @Column(nullable = false)
  public String kind;

  @Column(nullable = false)
  public String title;

  @Column(nullable = false)
  public String body;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "read_at")
  public Instant readAt;
}
