package dev.tessera.orders.persistence;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * What orders knows of identity's users, from {@code identity.user.events}: only whether one is
 * suspended.
 *
 * <p>Identity owns sign-up, and its events can arrive after the user's first order (consumers
 * tolerate any arrival order), so a user this projection does not know is allowed to order: the
 * projection only ever blocks users it knows to be suspended. The token was already verified; the
 * projection is not an authority on who exists.
 */
@ApplicationScoped
public class UserProjection {

  // A UserRegistered that arrives after the UserSuspended of the same user must not lift it.
  private static final String REGISTER =
      "insert into user_projection (id, status, updated_at) values (:id, 'ACTIVE', :at)"
          + " on conflict (id) do nothing";

  // A suspension and its lifting each apply only if they are not older than the status the row
  // has: an aggregate's events arrive in order, but a dead letter replayed later does not, and a
  // stale UserSuspended must not block a reinstated user (nor a stale UserReinstated free a user
  // suspended since). Identity reads both times from its database's clock under the user's row
  // lock, so they order the changes as identity committed them, whatever its instances' clocks.
  private static final String SET_STATUS =
      "insert into user_projection (id, status, updated_at) values (:id, :status, :at) on"
          + " conflict (id) do update set status = excluded.status, updated_at ="
          + " excluded.updated_at where user_projection.updated_at <= excluded.updated_at";

  /** Records that a user signed up (unless already known). */
  public Uni<Void> registered(Mutiny.Session session, UUID userId, Instant at) {
    return session
        .createNativeQuery(REGISTER)
        .setParameter("id", userId)
        .setParameter("at", at)
        .executeUpdate()
        .replaceWithVoid();
  }

  /**
   * Records that a user was suspended, whether or not their sign-up was seen, unless a later
   * reinstatement was seen.
   */
  public Uni<Void> suspended(Mutiny.Session session, UUID userId, Instant at) {
    return setStatus(session, userId, "SUSPENDED", at);
  }

  /** Records that a user's suspension was lifted, unless a later suspension was seen. */
  public Uni<Void> reinstated(Mutiny.Session session, UUID userId, Instant at) {
    return setStatus(session, userId, "ACTIVE", at);
  }

  private static Uni<Void> setStatus(
      Mutiny.Session session, UUID userId, String status, Instant at) {
    return session
        .createNativeQuery(SET_STATUS)
        .setParameter("id", userId)
        .setParameter("status", status)
        .setParameter("at", at)
        .executeUpdate()
        .replaceWithVoid();
  }

  /** Whether the user is known to be suspended. */
  public Uni<Boolean> isSuspended(Mutiny.Session session, UUID userId) {
    return session
        .find(UserProjectionEntity.class, userId)
        .map(user -> user != null && UserProjectionEntity.SUSPENDED.equals(user.status));
  }
}
