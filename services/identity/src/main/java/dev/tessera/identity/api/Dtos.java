package dev.tessera.identity.api;

import dev.tessera.web.EmailAddress;
import java.util.UUID;

/** Request and response bodies of the identity API (separate from the entities on purpose). */
public final class Dtos {

  private Dtos() {}

  /** Sign-up form. */
  public record SignUpRequest(String email, String password, String displayName) {}

  /** A user as clients see it. */
  public record UserView(UUID id, String email, String displayName) {}

  /** Log-in form; an address that is not one cannot belong to a user, and is a 400. */
  public record LoginRequest(@EmailAddress String email, String password) {}

  /** Refresh form. */
  public record RefreshRequest(String refreshToken) {}

  /** A token pair; {@code expiresIn} is the access token's lifetime in seconds. */
  public record TokenResponse(
      String accessToken, String refreshToken, String tokenType, long expiresIn) {}

  /** Profile change. */
  public record ProfileUpdate(String displayName) {}

  /** Password change. */
  public record PasswordChange(String currentPassword, String newPassword) {}

  /** Suspension of a user by an administrator; the reason is optional. */
  public record SuspensionRequest(String reason) {}

  /** A user's status after a suspension or its lifting: {@code SUSPENDED} or {@code ACTIVE}. */
  public record SuspensionView(UUID id, String status) {}
}
