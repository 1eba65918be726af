package dev.tessera.billing.api;

import dev.tessera.web.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The user a verified token speaks for: its {@code sub} claim. */
@RequestScoped
public class CurrentUser {

  private final JsonWebToken token;

  CurrentUser(JsonWebToken token) {
    this.token = token;
  }

  /** The user's id; 401 when the token's subject is not a user id. */
  public UUID id() {
    String subject = token.getSubject();
    try {
      return UUID.fromString(String.valueOf(subject));
    } catch (IllegalArgumentException e) {
      throw ProblemException.unauthorized("the token's subject is not a user id");
    }
  }
}
