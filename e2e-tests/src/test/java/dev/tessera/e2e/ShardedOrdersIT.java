package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.e2e.GatewayClient.Session;
import dev.tessera.launcher.TesseraSystem;
import dev.tessera.sharding.ShardedIds;
import dev.tessera.sharding.Shards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Orders sharded over two databases ({@link WholeSystem}: {@code --shards orders=2}, each owning
 * half of the 4,096 shards) under new users' orders through the gateway: the users split as the
 * hash says they should, every row — theirs and every other test's — sits on its user's shard in
 * the database that owns it, and the saga works as it does on one database: no consumer knows the
 * difference. {@value #USERS} users, not more: each signs up and logs in through the gateway's auth
 * rate limit (10 at once, one more a second per client address): 200 would take ~7 minutes.
 */
class ShardedOrdersIT {

  private static final int USERS = 24;

  /**
   * Three standard deviations of the users on the first half: Binomial(24, 1/2) has σ ≈ 2.45, so a
   * fair hash lands outside 12 ± 8 less than once in ~370 runs. A weak check of the hash, which
   * platform/sharding's tests pin against its published vectors and orders' ShardColumnsTest over
   * 2,000 ids; here it shows the users the system made land on both databases.
   */
  private static final int SPREAD = 8;

  /** The tables whose rows carry a user's shard (set by orders' triggers, or by the consumer). */
  private static final List<String> SHARDED =
      List.of("orders", "idempotency_key", "user_projection", "inbox");

  private final TesseraSystem system = WholeSystem.get();
  private final GatewayClient gateway = WholeSystem.gateway();

  @Test
  void users_split_evenly_every_row_sits_on_its_users_shard_where_it_is_owned_and_sagas_finish()
      throws Exception {
    SagaInvariants invariants = SagaInvariants.watchDeadLetters(system);
    Map<UUID, String> orderOfUser = placeOneOrderEach();

    long onFirst = orderOfUser.keySet().stream().filter(user -> Shards.ofUser(user) < 2048).count();
    System.out.printf(
        "%d of %d users on shards 0-2047 (orders), %d on 2048-4095 (orders2)%n",
        onFirst, USERS, USERS - onFirst);
    assertThat(onFirst).isBetween((long) USERS / 2 - SPREAD, (long) USERS / 2 + SPREAD);

    await()
        .alias("every order terminal")
        .atMost(SagaInvariants.TERMINAL)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(OrdersDatabases.orderStatuses(system, orderOfUser.keySet()).values())
                    .hasSize(USERS)
                    .allMatch(status -> status.equals("CONFIRMED") || status.equals("CANCELLED")));

    Map<Integer, List<String>> owners = owners();
    assertThat(owners).as("shards with an owner").hasSize(Shards.COUNT);
    assertThat(owners.values()).as("owners of each shard").allMatch(list -> list.size() == 1);

    // Each order is in one database: the owner of its user's shard, which its id names too.
    Map<String, List<String>> whereIs = new HashMap<>();
    for (List<Object> row : OrdersDatabases.rows(system, "select id, user_id, shard from orders")) {
      UUID id = (UUID) row.get(1);
      UUID user = (UUID) row.get(2);
      int shard = ((Number) row.get(3)).intValue();
      assertThat(shard).as("shard of order %s", id).isEqualTo(Shards.ofUser(user));
      if (orderOfUser.containsKey(user)) {
        whereIs
            .computeIfAbsent(id.toString(), ignored -> new ArrayList<>())
            .add((String) row.get(0));
        assertThat(ShardedIds.shardOf(id)).as("shard in the id of %s", id).isEqualTo(shard);
      }
    }
    orderOfUser.forEach(
        (user, order) ->
            assertThat(whereIs.get(order))
                .as("databases holding order %s", order)
                .containsExactly(owners.get(Shards.ofUser(user)).get(0)));

    // Every user-keyed row, in every table, on its user's shard, in a database that owns it.
    for (String userOf : List.of("user_id from idempotency_key", "id from user_projection")) {
      for (List<Object> row : OrdersDatabases.rows(system, "select shard, " + userOf)) {
        assertThat(((Number) row.get(1)).intValue())
            .as("shard of the row of %s", userOf)
            .isEqualTo(Shards.ofUser((UUID) row.get(2)));
      }
    }
    for (String table : SHARDED) {
      List<List<Object>> misplaced =
          OrdersDatabases.rows(
              system,
              "select distinct shard from "
                  + table
                  + " t where shard is not null and not exists (select 1 from shard_lease l"
                  + " where l.shard = t.shard and l.state = 'OWNED')");
      assertThat(misplaced).as("%s rows of shards their database does not own", table).isEmpty();
    }
    // The users' projections were written by the routed consumer, each where its user's shard is.
    Set<UUID> projected = ConcurrentHashMap.newKeySet();
    for (List<Object> row : OrdersDatabases.rows(system, "select id from user_projection")) {
      assertThat(projected.add((UUID) row.get(1))).as("one projection of %s", row.get(1)).isTrue();
    }
    assertThat(projected).containsAll(orderOfUser.keySet());

    invariants.assertNothingDeadLettered(USERS + " users on two orders databases");
  }

  /** Signs up {@link #USERS} users, each placing one order; their order ids by user. */
  private Map<UUID, String> placeOneOrderEach() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Map.Entry<UUID, String>>> placed = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        String name = "Sharded " + i;
        placed.add(
            pool.submit(
                () -> {
                  Session user = gateway.signUpAndLogIn(name);
                  return Map.entry(user.userId(), gateway.placeOrderOfTheFirstProduct(user));
                }));
      }
      Map<UUID, String> orders = new HashMap<>();
      for (Future<Map.Entry<UUID, String>> one : placed) {
        Map.Entry<UUID, String> entry = one.get();
        orders.put(entry.getKey(), entry.getValue());
      }
      return orders;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The databases whose lease of each shard is {@code OWNED}. */
  private Map<Integer, List<String>> owners() throws Exception {
    Map<Integer, List<String>> owners = new TreeMap<>();
    for (List<Object> row :
        OrdersDatabases.rows(system, "select shard from shard_lease where state = 'OWNED'")) {
      owners
          .computeIfAbsent(((Number) row.get(1)).intValue(), ignored -> new ArrayList<>())
          .add((String) row.get(0));
    }
    return owners;
  }
}
