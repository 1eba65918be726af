package dev.tessera.identity.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses revoked tokens on identity's own endpoints: after smallrye-jwt has verified the signature
 * and claims, the token is checked against the same Redis entries the gateway reads.
 */
@ApplicationScoped
public class RevocationCheck implements SecurityIdentityAugmentor {

  private final Revocations revocations;

  RevocationCheck(Revocations revocations) {
    this.revocations = revocations;
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Uni.createFrom().item(identity);
    }
    if (jwt.getTokenID() == null || jwt.getSubject() == null) {
      return Uni.createFrom().failure(new AuthenticationFailedException("token lacks jti or sub"));
    }
    return revocations
        .isRevoked(jwt.getTokenID(), jwt.getClaim("sid"), jwt.getSubject(), jwt.getIssuedAtTime())
        .onFailure()
        // Fail closed: without Redis, or with a Redis not yet re-seeded, a revoked token cannot be
        // told from a live one.
        .transform(e -> new RevocationUnavailableException(e))
        .flatMap(
            revoked ->
                revoked
                    ? Uni.createFrom()
                        .failure(new AuthenticationFailedException("token has been revoked"))
                    : Uni.createFrom().item(identity));
  }

  /** Redis could not be asked whether a token is revoked. */
  public static class RevocationUnavailableException extends RuntimeException {
    RevocationUnavailableException(Throwable cause) {
      super("revocation store unavailable", cause);
    }
  }
}
