package dev.tessera.identity.persistence;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
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

  /**
   * The database's clock, read now ({@code clock_timestamp()}). Read under a user's row lock, it
   * orders that user's changes as they commit, whichever instance made them: consumers keep the
   * later of two status events by this time (orders' user projection), and instance clocks differ.
   */
  public Uni<Instant> databaseNow(Mutiny.Session session) {
    return session
        .createNativeQuery("select clock_timestamp()", OffsetDateTime.class)
        .getSingleResult()
        .map(OffsetDateTime::toInstant);
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

  /** Records a revocation entry; a later one for the same key wins, and never shortens it. */
  public Uni<Integer> saveRevocation(
      Mutiny.Session session, String key, String value, Instant expiresAt) {
    return session
        .createNativeQuery(
            "insert into revocations (redis_key, value, expires_at) values (:key, :value, :until)"
                + " on conflict (redis_key) do update set value = excluded.value,"
                + " expires_at = greatest(revocations.expires_at, excluded.expires_at)")
        .setParameter("key", key)
        .setParameter("value", value)
        .setParameter("until", expiresAt)
        .executeUpdate();
  }

  /** Every revocation entry still needed at {@code now}. */
  public Uni<List<RevocationEntity>> liveRevocations(Mutiny.Session session, Instant now) {
    return session
        .createSelectionQuery(
            "from RevocationEntity where expiresAt > :now", RevocationEntity.class)
        .setParameter("now", now)
        .getResultList();
  }

  /** Deletes the entries no token needs any more. */
  public Uni<Integer> deleteExpiredRevocations(Mutiny.Session session, Instant now) {
    return session
        .createMutationQuery("delete from RevocationEntity where expiresAt <= :now")
        .setParameter("now", now)
        .executeUpdate();
  }
}
