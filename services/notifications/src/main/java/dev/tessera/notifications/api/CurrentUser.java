package dev.tessera.notifications.api;

import dev.tessera.web.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The user of the request: the verified token's {@code sub}. */
@RequestScoped
class CurrentUser {

  private final JsonWebToken token;

  CurrentUser(JsonWebToken token) {
    this.token = token;
  }

  UUID id() {
    String subject = token.getSubject();
    try {
      return UUID.fromString(subject);
    } catch (RuntimeException e) {
      throw ProblemException.unauthorized("The token's subject is not a user id.");
    }
  }
}
