package dev.tessera.notifications.persistence;

import dev.tessera.notifications.domain.EmailPreferences;
import dev.tessera.reads.ReadRouter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Reads and changes that the HTTP API makes: a user's inbox and e-mail preferences. */
@ApplicationScoped
public class NotificationQueries {

  private static final String MARK_READ =
      "update notification set read_at = coalesce(read_at, now())"
          + " where id = :id and user_id = :userId";

  private static final String UPSERT_PREFERENCES =
      "insert into email_preference (user_id, account, orders, payments)"
          + " values (:userId, :account, :orders, :payments)"
          + " on conflict (user_id) do update set account = excluded.account,"
          + " orders = excluded.orders, payments = excluded.payments, updated_at = now()";

  private final Mutiny.SessionFactory sessionFactory;
  private final ReadRouter reads;

  NotificationQueries(Mutiny.SessionFactory sessionFactory, ReadRouter reads) {
    this.sessionFactory = sessionFactory;
    this.reads = reads;
  }

  /**
   * Up to {@code limit} notifications of {@code userId}, newest first, strictly after {@code after}
   * (null: from the newest); only unread ones if {@code unreadOnly}.
   */
  public Uni<List<NotificationEntity>> page(
      UUID userId, boolean unreadOnly, PagePosition after, int limit) {
    StringBuilder hql = new StringBuilder("from NotificationEntity n where n.userId = :userId");
    if (unreadOnly) {
      hql.append(" and n.readAt is null");
    }
    if (after != null) {
      hql.append(" and (n.createdAt < :createdAt or (n.createdAt = :createdAt and n.id < :id))");
    }
    hql.append(" order by n.createdAt desc, n.id desc");
    return reads.read(
        session -> {
          var query =
              session
                  .createSelectionQuery(hql.toString(), NotificationEntity.class)
                  .setParameter("userId", userId)
                  .setMaxResults(limit);
          if (after != null) {
            query.setParameter("createdAt", after.createdAt()).setParameter("id", after.id());
          }
          return query.getResultList();
        });
  }

  /**
   * How many notifications of {@code userId} are unread (the partial index serves it), for the
   * cache: on the primary ({@link ReadRouter#readLatest}).
   */
  public Uni<Long> unreadCount(UUID userId) {
    return reads.readLatest(
        session ->
            session
                .createSelectionQuery(
                    "select count(*) from NotificationEntity n"
                        + " where n.userId = :userId and n.readAt is null",
                    Long.class)
                .setParameter("userId", userId)
                .getSingleResult());
  }

  /**
   * Marks a notification of {@code userId} read (again: no change); false when {@code userId} has
   * no notification {@code id}.
   */
  public Uni<Boolean> markRead(UUID userId, UUID id) {
    return sessionFactory.withTransaction(
        session ->
            session
                .createNativeQuery(MARK_READ)
                .setParameter("id", id)
                .setParameter("userId", userId)
                .executeUpdate()
                .map(updated -> updated > 0));
  }

  /** The user's e-mail preferences, or the defaults. */
  public Uni<EmailPreferences> preferences(UUID userId) {
    return reads.read(
        session ->
            session
                .find(EmailPreferenceEntity.class, userId)
                .map(
                    row ->
                        row == null
                            ? EmailPreferences.DEFAULT
                            : new EmailPreferences(row.account, row.orders, row.payments)));
  }

  /** Replaces the user's e-mail preferences. */
  public Uni<EmailPreferences> savePreferences(UUID userId, EmailPreferences preferences) {
    return sessionFactory
        .withTransaction(
            session ->
                session
                    .createNativeQuery(UPSERT_PREFERENCES)
                    .setParameter("userId", userId)
                    .setParameter("account", preferences.account())
                    .setParameter("orders", preferences.orders())
                    .setParameter("payments", preferences.payments())
                    .executeUpdate())
        .replaceWith(preferences);
  }
}
