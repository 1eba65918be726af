package dev.tessera.{{service}}.persistence;

import dev.tessera.web.PageCursor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Reads of {{aggregate}}s. Writes go through the session of the caller's transaction. */
@ApplicationScoped
public class {{Aggregate}}Repository {

  /** The {{aggregate}} {@code id} if {@code userId} owns it; {@code null} otherwise. */
  public Uni<{{Aggregate}}Entity> findOwned(Mutiny.Session session, UUID id, UUID userId) {
    return session
        .find({{Aggregate}}Entity.class, id)
        .map(found -> found != null && found.userId.equals(userId) ? found : null);
  }

  /**
   * Up to {@code limit} {{aggregate}}s of a user, newest first, after {@code cursor} if given: a
   * keyset query on (created_at, id), which the index {@code {{aggregate}}_user_newest} serves
   * without a sort, however deep the page.
   */
  public Uni<List<{{Aggregate}}Entity>> page(
      Mutiny.Session session, UUID userId, Optional<PageCursor> cursor, int limit) {
    StringBuilder hql = new StringBuilder("from {{Aggregate}}Entity e where e.userId = :userId");
    cursor.ifPresent(
        c -> hql.append(" and (e.createdAt < :at or (e.createdAt = :at and e.id < :id))"));
    hql.append(" order by e.createdAt desc, e.id desc");
    var query = session.createSelectionQuery(hql.toString(), {{Aggregate}}Entity.class);
    query.setParameter("userId", userId);
    cursor.ifPresent(
        c -> {
          query.setParameter("at", c.createdAt());
          query.setParameter("id", c.id());
        });
    return query.setMaxResults(limit).getResultList();
  }
}
