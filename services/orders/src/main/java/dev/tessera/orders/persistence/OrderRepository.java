package dev.tessera.orders.persistence;

import dev.tessera.orders.domain.OrderStatus;
import dev.tessera.web.PageCursor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Reads of orders and products. Writes go through the session of the caller's transaction. */
@ApplicationScoped
public class OrderRepository {

  /** The order if it exists and belongs to {@code userId}; empty otherwise (never tell which). */
  public Uni<OrderEntity> findOwned(Mutiny.Session session, UUID orderId, UUID userId) {
    return session
        .find(OrderEntity.class, orderId)
        .map(order -> order != null && order.userId.equals(userId) ? order : null);
  }

  /**
   * Up to {@code limit} orders of a user, newest first, after {@code cursor} if given: a keyset
   * query on (created_at, id), which the index {@code orders_user_newest} serves without a sort,
   * however deep the page.
   */
  public Uni<List<OrderEntity>> page(
      Mutiny.Session session,
      UUID userId,
      Optional<OrderStatus> status,
      Optional<PageCursor> cursor,
      int limit) {
    StringBuilder hql = new StringBuilder("from OrderEntity o where o.userId = :userId");
    status.ifPresent(s -> hql.append(" and o.status = :status"));
    cursor.ifPresent(
        c -> hql.append(" and (o.createdAt < :at or (o.createdAt = :at and o.id < :id))"));
    hql.append(" order by o.createdAt desc, o.id desc");
    var query = session.createSelectionQuery(hql.toString(), OrderEntity.class);
    query.setParameter("userId", userId);
    status.ifPresent(s -> query.setParameter("status", s));
    cursor.ifPresent(
        c -> {
          query.setParameter("at", c.createdAt());
          query.setParameter("id", c.id());
        });
    return query.setMaxResults(limit).getResultList();
  }

  /** The whole catalog, by SKU. */
  public Uni<List<ProductEntity>> catalog(Mutiny.Session session) {
    return session
        .createSelectionQuery("from ProductEntity p order by p.sku", ProductEntity.class)
        .getResultList();
  }
}
