package dev.tessera.security;

import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The user a request speaks for: the {@code sub} claim of its verified token, which identity sets
 * to the user's id. Inject it into a resource that needs the caller; a token whose subject is not a
 * user id is a {@code 401}, as a missing one is.
 */
@RequestScoped
public class CurrentUser {

  private final JsonWebToken token;

  CurrentUser(JsonWebToken token) {
    this.token = token;
  }

  /**
   * The caller's user id.
   *
   * @throws UnauthorizedException when the token's subject is not a user id (a {@code 401} problem)
   */
  public UUID id() {
    String subject = token.getSubject();
    try {
      return UUID.fromString(String.valueOf(subject));
    } catch (IllegalArgumentException e) {
      throw new UnauthorizedException("the token's subject is not a user id");
    }
  }
}
