package dev.tessera.billing.persistence;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Billing accounts: one per user, created by the first event that needs it. */
@ApplicationScoped
public class AccountRepository {

  /** Creates the account with {@code paymentMethod} unless it exists; true if it was created. */
  public Uni<Boolean> createIfAbsent(Mutiny.Session session, UUID userId, String paymentMethod) {
    return session
        .createNativeQuery(
            "insert into billing_account (user_id, payment_method) values (:user, :method)"
                + " on conflict (user_id) do nothing")
        .setParameter("user", userId)
        .setParameter("method", paymentMethod)
        .executeUpdate()
        .map(rows -> rows > 0);
  }

  /** Sets the account's payment method, creating the account if it does not exist yet. */
  public Uni<Void> setPaymentMethod(Mutiny.Session session, UUID userId, String paymentMethod) {
    return session
        .createNativeQuery(
            "insert into billing_account (user_id, payment_method) values (:user, :method)"
                + " on conflict (user_id) do update set payment_method = excluded.payment_method,"
                + " updated_at = now()")
        .setParameter("user", userId)
        .setParameter("method", paymentMethod)
        .executeUpdate()
        .replaceWithVoid();
  }

  /** The user's account, or null. */
  public Uni<AccountEntity> find(Mutiny.Session session, UUID userId) {
    return session.find(AccountEntity.class, userId);
  }
}
