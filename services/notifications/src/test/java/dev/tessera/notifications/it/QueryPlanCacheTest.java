package dev.tessera.notifications.it;

import static dev.tessera.notifications.it.TestSupport.DEADLINE;
import static dev.tessera.notifications.it.TestSupport.count;
import static dev.tessera.notifications.it.TestSupport.mailTo;
import static dev.tessera.notifications.it.TestSupport.newUser;
import static dev.tessera.notifications.it.TestSupport.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.EventTypes;
import dev.tessera.contracts.identity.UserRegistered;
import dev.tessera.contracts.orders.OrderConfirmed;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

/**
 * Notifying a user reuses the query plans of the notifications before it. Hibernate Reactive (3.2)
 * finds no cached plan for a native query that returns rows: its result-set mapping has no {@code
 * equals}, so every execution adds one more plan under the same hash to the plan cache, and every
 * lookup of that query walks them all (up to the cache's 2,048): 7 % of notifications' CPU under
 * load. The statistics count each plan built as a miss.
 */
@QuarkusTest
@QuarkusTestResource(
    value = NotificationsTestResource.class,
    initArgs = @ResourceArg(name = "service", value = TestSupport.SERVICE))
class QueryPlanCacheTest {

  private static final int ORDERS = 30;

  @Inject Mutiny.SessionFactory sessionFactory;

  @Test
  void notifying_of_orders_builds_no_query_plan_per_notification() {
    UserRegistered user = newUser("Plans");
    produce(EventTypes.USER_REGISTERED, UUID.randomUUID(), user);
    await().atMost(DEADLINE).until(() -> mailTo(user.email()).size() == 1);
    confirm(user, 5); // every statement of the path has run once: its plan is cached
    Statistics statistics = sessionFactory.getStatistics();
    Map<String, Long> before = missesByQuery(statistics);

    confirm(user, ORDERS);

    Map<String, Long> built = new TreeMap<>();
    missesByQuery(statistics)
        .forEach(
            (query, misses) -> {
              long added = misses - before.getOrDefault(query, 0L);
              // Once per notification or more: a plan per execution. Periodic jobs (the e-mail
              // poll,
              // the drain of parked events) run a few times meanwhile, whatever the load.
              if (added >= ORDERS) {
                built.put(query, added);
              }
            });
    assertThat(built)
        .as("queries planned once per notification for %d notifications", ORDERS)
        .isEmpty();
  }

  private static void confirm(UserRegistered user, int orders) {
    int sent = count("select count(*) from email_outbox where user_id = ?", user.userId());
    for (int i = 0; i < orders; i++) {
      produce(
          EventTypes.ORDER_CONFIRMED,
          UUID.randomUUID(),
          new OrderConfirmed(UUID.randomUUID(), user.userId(), UUID.randomUUID(), Instant.now()));
    }
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                count(
                        "select count(*) from email_outbox where user_id = ? and status = 'sent'",
                        user.userId())
                    == sent + orders);
  }

  private static Map<String, Long> missesByQuery(Statistics statistics) {
    Map<String, Long> misses = new HashMap<>();
    for (String query : statistics.getQueries()) {
      misses.put(query, statistics.getQueryStatistics(query).getPlanCacheMissCount());
    }
    return misses;
  }
}
