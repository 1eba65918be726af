package dev.tessera.identity.domain;

/** Whether a user may log in. */
public enum UserStatus {
  ACTIVE,
  SUSPENDED
}
