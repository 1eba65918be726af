package dev.tessera.identity.persistence;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.LockMode;
import org.hibernate.reactive.mutiny.Mutiny;

/** Queries on users and refresh tokens, inside a session the caller opened. */
@ApplicationScoped
public class IdentityStore {

  public Uni<UserEntity> findUser(Mutiny.Session session, UUID id) {
    return session.find(UserEntity.class, id);
  }

  public Uni<UserEntity> findUserForUpdate(Mutiny.Session session, UUID id) {
    return session.find(UserEntity.class, id, LockMode.PESSIMISTIC_WRITE);
  }

  public Uni<UserEntity> findUserByEmail(Mutiny.Session session, String normalisedEmail) {
    return session
        .createSelectionQuery("from UserEntity where email = :email", UserEntity.class)
        .setParameter("email", normalisedEmail)
        .getSingleResultOrNull();
  }

  /** The stored token with this hash, locked so that two concurrent rotations serialise. */
  public Uni<RefreshTokenEntity> findRefreshTokenForUpdate(
      Mutiny.Session session, String tokenHash) {
    return session.find(RefreshTokenEntity.class, tokenHash, LockMode.PESSIMISTIC_WRITE);
  }

  public Uni<Integer> revokeFamily(Mutiny.Session session, UUID familyId, Instant now) {
    return session
        .createMutationQuery(
            "update RefreshTokenEntity set revokedAt = :now"
                + " where familyId = :family and revokedAt is null")
        .setParameter("now", now)
        .setParameter("family", familyId)
        .executeUpdate();
  }

  public Uni<Integer> revokeAllOfUser(Mutiny.Session session, UUID userId, Instant now) {
    return session
        .createMutationQuery(
            "update RefreshTokenEntity set revokedAt = :now"
                + " where userId = :user and revokedAt is null")
        .setParameter("now", now)
        .setParameter("user", userId)
        .executeUpdate();
  }
}
