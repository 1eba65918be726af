package dev.tessera.orders.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.orders.domain.CancellationReason;
import dev.tessera.orders.domain.OrderStatus;
import dev.tessera.orders.persistence.IdempotencyRecord;
import dev.tessera.orders.persistence.IdempotencyRetention;
import dev.tessera.orders.persistence.OrderEntity;
import dev.tessera.orders.persistence.StoredLine;
import dev.tessera.testing.TesseraTestResource;
import dev.tessera.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.hibernate.StaleStateException;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the database guarantees for orders: optimistic locking and the key retention. */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = "service", value = "orders"))
@QuarkusTestResource(TestTokens.class)
class PersistenceRulesTest {

  @Inject Mutiny.SessionFactory sessionFactory;
  @Inject IdempotencyRetention retention;

  @BeforeAll
  static void captureOutbox() {
    OrdersTestSupport.captureOutbox();
  }

  @Test
  @RunOnVertxContext
  void a_change_made_from_a_stale_copy_of_an_order_fails_instead_of_overwriting(
      UniAsserter asserter) {
    OrderEntity order = newOrder(Instant.now());
    asserter.execute(() -> sessionFactory.withTransaction(session -> session.persist(order)));
    // Two sessions read the order; the payment result commits first, the customer's cancel
    // second, from its now stale copy.
    asserter.assertFailedWith(
        () ->
            both(
                (customer, billing) ->
                    customer
                        .find(OrderEntity.class, order.id)
                        .chain(
                            stale ->
                                billing
                                    .withTransaction(
                                        tx ->
                                            billing
                                                .find(OrderEntity.class, order.id)
                                                .invoke(
                                                    fresh ->
                                                        fresh.confirm(
                                                            UUID.randomUUID(), Instant.now()))
                                                .chain(billing::flush))
                                    .chain(
                                        () ->
                                            customer.withTransaction(
                                                tx -> {
                                                  stale.cancel(
                                                      CancellationReason.CUSTOMER_REQUEST,
                                                      Instant.now());
                                                  return customer.flush();
                                                })))),
        failure ->
            assertThat(failure)
                .isInstanceOfAny(OptimisticLockException.class, StaleStateException.class));
    asserter.assertThat(
        () -> sessionFactory.withSession(s -> s.find(OrderEntity.class, order.id)),
        stored -> {
          assertThat(stored.status).isEqualTo(OrderStatus.CONFIRMED);
          assertThat(stored.version).isEqualTo(1);
        });
  }

  @Test
  @RunOnVertxContext
  void idempotency_keys_older_than_the_retention_are_forgotten_and_newer_ones_kept(
      UniAsserter asserter) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    OrderEntity old = newOrder(now.minus(Duration.ofDays(2)));
    OrderEntity recent = newOrder(now);
    IdempotencyRecord oldKey = key(old, now.minus(Duration.ofDays(2)));
    IdempotencyRecord recentKey = key(recent, now.minus(Duration.ofHours(1)));
    asserter.execute(
        () ->
            sessionFactory.withTransaction(
                session ->
                    session
                        .persistAll(old, recent)
                        .chain(() -> session.persistAll(oldKey, recentKey))));
    asserter.execute(() -> retention.purge());
    asserter.assertThat(
        () ->
            sessionFactory.withSession(
                s ->
                    s.find(IdempotencyRecord.class, oldKey.id)
                        .chain(
                            first ->
                                s.find(IdempotencyRecord.class, recentKey.id)
                                    .map(second -> java.util.Arrays.asList(first, second)))),
        found -> {
          assertThat(found.get(0)).isNull();
          assertThat(found.get(1)).isNotNull();
        });
  }

  private Uni<Void> both(
      java.util.function.BiFunction<Mutiny.Session, Mutiny.Session, Uni<?>> work) {
    return sessionFactory
        .openSession()
        .chain(
            first ->
                sessionFactory
                    .openSession()
                    .chain(
                        second ->
                            work.apply(first, second).onTermination().call(() -> second.close()))
                    .onTermination()
                    .call(() -> first.close()))
        .replaceWithVoid();
  }

  private static OrderEntity newOrder(Instant at) {
    OrderEntity order = new OrderEntity();
    order.id = UUID.randomUUID();
    order.userId = UUID.randomUUID();
    order.status = OrderStatus.PENDING_PAYMENT;
    order.lines = List.of(new StoredLine("TSR-MUG-001", "Tessera mug", 1, 1290));
    order.totalAmount = 1290;
    order.currency = "EUR";
    order.createdAt = at.truncatedTo(ChronoUnit.MICROS);
    order.updatedAt = order.createdAt;
    return order;
  }

  private static IdempotencyRecord key(OrderEntity order, Instant at) {
    IdempotencyRecord record = new IdempotencyRecord();
    record.id = new IdempotencyRecord.Key(order.userId, UUID.randomUUID().toString());
    record.requestHash = "0".repeat(64);
    record.orderId = order.id;
    record.responseStatus = 201;
    record.responseBody = "{}";
    record.createdAt = at;
    return record;
  }
}
