package dev.tessera.billing.it;

import static dev.tessera.billing.it.Billing.order;
import static dev.tessera.billing.it.Billing.paymentStatus;
import static dev.tessera.billing.it.Billing.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.contracts.orders.OrderPlaced;
import dev.tessera.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

/**
 * Settling a payment reuses the query plans of the payments before it. Hibernate Reactive (3.2)
 * finds no cached plan for a native query that returns rows: its result-set mapping has no {@code
 * equals}, so every execution adds one more plan under the same hash to the plan cache, and every
 * lookup of that query walks them all (up to the cache's 2,048): 6 % of billing's CPU under load.
 * The statistics count each plan built as a miss.
 */
@QuarkusTest
@QuarkusTestResource(
    value = TesseraTestResource.class,
    initArgs = @ResourceArg(name = TesseraTestResource.SERVICE, value = Billing.SERVICE))
@QuarkusTestResource(JwtKeys.class)
class QueryPlanCacheTest {

  private static final int PAYMENTS = 30;

  @Inject Mutiny.SessionFactory sessionFactory;

  @Test
  void settling_payments_builds_no_query_plan_per_payment() {
    settle(5); // every statement of the path has run once: its plan is cached
    Statistics statistics = sessionFactory.getStatistics();
    Map<String, Long> before = missesByQuery(statistics);

    settle(PAYMENTS);

    Map<String, Long> built = new TreeMap<>();
    missesByQuery(statistics)
        .forEach(
            (query, misses) -> {
              long added = misses - before.getOrDefault(query, 0L);
              // Once per payment or more: a plan per execution. Periodic jobs (the retry job's
              // claim,
              // the drain of parked events) run a few times meanwhile, whatever the load.
              if (added >= PAYMENTS) {
                built.put(query, added);
              }
            });
    assertThat(built)
        .as("queries planned once per payment while settling %d payments", PAYMENTS)
        .isEmpty();
  }

  private static Map<String, Long> missesByQuery(Statistics statistics) {
    Map<String, Long> misses = new HashMap<>();
    for (String query : statistics.getQueries()) {
      misses.put(query, statistics.getQueryStatistics(query).getPlanCacheMissCount());
    }
    return misses;
  }

  private static void settle(int payments) {
    List<OrderPlaced> orders = new ArrayList<>();
    for (int i = 0; i < payments; i++) {
      UUID userId = UUID.randomUUID();
      produce(Billing.registered(userId));
      orders.add(order(userId));
    }
    orders.forEach(Billing::produce);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> orders.stream().allMatch(o -> "SUCCEEDED".equals(paymentStatus(o.orderId()))));
  }
}
