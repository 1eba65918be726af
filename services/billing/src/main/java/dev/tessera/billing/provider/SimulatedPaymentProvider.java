package dev.tessera.billing.provider;

import dev.tessera.billing.BillingConfig;
import dev.tessera.billing.domain.PaymentMethod;
import dev.tessera.eventing.AsyncCommit;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A payment provider simulated in process, with a real provider's behaviour: latency, declines by
 * test token, idempotency keys, and fault modes an admin switches at run time.
 *
 * <p>A charge is executed when the call arrives and answered after the latency, so in {@code slow}
 * mode the caller times out on a charge that did happen: only the idempotency key keeps its retry
 * from charging twice. Its charges and refunds live in billing's database (tables {@code
 * simulated_provider_*}), as a real provider's live on its side: every billing instance, a restart
 * and a replay find the charge of a key. Typed to its class so that only {@link
 * GuardedPaymentProvider} injects it.
 */
@ApplicationScoped
@Typed(SimulatedPaymentProvider.class)
public class SimulatedPaymentProvider implements PaymentProvider {

  private static final Logger LOG = Logger.getLogger(SimulatedPaymentProvider.class);

  // Committed asynchronously (AsyncCommit): a real provider's write costs our PostgreSQL nothing,
  // and a charge lost in a crash of PostgreSQL is one billing never recorded either (billing's
  // record commits after it, flushing its WAL): the retry charges under the same key, once.
  private static final String CHARGE =
      AsyncCommit.CTE
          + ", inserted as (insert into simulated_provider_charge (idempotency_key, charge_id,"
          + " reference, amount, currency, approved, decline_code)"
          + " values ($1, $2, $3, $4, $5, $6, $7) on conflict (idempotency_key) do nothing"
          + " returning charge_id, approved, decline_code)"
          + " select inserted.* from inserted, async_commit";

  private static final String FIND_CHARGE =
      "select charge_id, approved, decline_code from simulated_provider_charge"
          + " where idempotency_key = $1";

  private static final String REFUND =
      "insert into simulated_provider_refund (idempotency_key, refund_id, charge_id)"
          + " values ($1, $2, $3) on conflict (idempotency_key) do nothing";

  private static final String FIND_REFUND =
      "select refund_id from simulated_provider_refund where idempotency_key = $1";

  private static final Duration BLOCKING_READ = Duration.ofSeconds(10);

  private final Pool pool;
  private final AtomicReference<ProviderMode> mode;
  private final Duration latency;
  private final Duration slowLatency;
  private final AtomicLong calls = new AtomicLong();
  private final Map<String, AtomicInteger> callsByKey = new ConcurrentHashMap<>();

  SimulatedPaymentProvider(BillingConfig config, Pool pool) {
    this.pool = pool;
    this.latency = config.provider().latency();
    this.slowLatency = config.provider().slowLatency();
    this.mode =
        new AtomicReference<>(
            ProviderMode.fromLabel(config.provider().initialMode())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "billing.provider.initial-mode: unknown mode "
                                + config.provider().initialMode())));
  }

  @Override
  public Uni<ChargeResult> charge(ChargeRequest request) {
    return Uni.createFrom()
        .deferred(
            () ->
                answer(
                    request.idempotencyKey(),
                    () -> {
                      String decline = declineCode(request.paymentMethod());
                      return pool.preparedQuery(CHARGE)
                          .execute(
                              Tuple.from(
                                  Arrays.asList(
                                      request.idempotencyKey(),
                                      "ch_" + UUID.randomUUID(),
                                      request.reference(),
                                      request.amount(),
                                      request.currency(),
                                      decline == null,
                                      decline)))
                          .map(SimulatedPaymentProvider::charge)
                          // Nothing inserted: an earlier call with this key charged, and that
                          // charge is the answer.
                          .chain(
                              charged ->
                                  charged.isPresent()
                                      ? Uni.createFrom().item(charged)
                                      : findCharge(request.idempotencyKey()))
                          .map(Optional::orElseThrow);
                    }));
  }

  @Override
  public Uni<Optional<ChargeResult>> lookup(String idempotencyKey) {
    return Uni.createFrom()
        .deferred(() -> answer("lookup-" + idempotencyKey, () -> findCharge(idempotencyKey)));
  }

  @Override
  public Uni<RefundResult> refund(RefundRequest request) {
    return Uni.createFrom()
        .deferred(
            () ->
                answer(
                    request.idempotencyKey(),
                    () ->
                        pool.preparedQuery(REFUND)
                            .execute(
                                Tuple.of(
                                    request.idempotencyKey(),
                                    "re_" + UUID.randomUUID(),
                                    request.chargeId()))
                            .chain(
                                () ->
                                    pool.preparedQuery(FIND_REFUND)
                                        .execute(Tuple.of(request.idempotencyKey())))
                            .map(
                                rows ->
                                    new RefundResult(
                                        rows.iterator().next().getString("refund_id")))));
  }

  private Uni<Optional<ChargeResult>> findCharge(String idempotencyKey) {
    return pool.preparedQuery(FIND_CHARGE)
        .execute(Tuple.of(idempotencyKey))
        .map(SimulatedPaymentProvider::charge);
  }

  private static Optional<ChargeResult> charge(RowSet<Row> rows) {
    var it = rows.iterator();
    if (!it.hasNext()) {
      return Optional.empty();
    }
    Row row = it.next();
    return Optional.of(
        new ChargeResult(
            row.getString("charge_id"), row.getBoolean("approved"), row.getString("decline_code")));
  }

  private <T> Uni<T> answer(String key, Supplier<Uni<T>> work) {
    calls.incrementAndGet();
    callsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    ProviderMode current = mode.get();
    switch (current) {
      case DOWN:
        return Uni.createFrom()
            .failure(new ProviderUnavailableException("connection refused: payment provider"));
      case FAILING:
        return Uni.createFrom()
            .voidItem()
            .onItem()
            .delayIt()
            .by(latency)
            .onItem()
            .transformToUni(
                ignored ->
                    Uni.createFrom()
                        .<T>failure(
                            new ProviderTransientException(
                                "503 Service Unavailable from provider")));
      default:
        // Executed on arrival, answered after the latency: a slow answer is a charge that happened.
        return work.get()
            .onItem()
            .delayIt()
            .by(current == ProviderMode.SLOW ? slowLatency : latency);
    }
  }

  private static String declineCode(String token) {
    if (PaymentMethod.CHARGE_DECLINED.equals(token)) {
      return "card_declined";
    }
    if (PaymentMethod.INSUFFICIENT_FUNDS.equals(token)) {
      return "insufficient_funds";
    }
    if (PaymentMethod.VISA.equals(token)) {
      return null;
    }
    // A real provider knows no other token either.
    return "invalid_payment_method";
  }

  /** The current fault mode. */
  public ProviderMode mode() {
    return mode.get();
  }

  /** Switches the fault mode; calls already in flight finish in the mode they started in. */
  public void mode(ProviderMode newMode) {
    ProviderMode old = mode.getAndSet(newMode);
    if (old != newMode) {
      LOG.infof("payment provider mode: %s -> %s", old.label(), newMode.label());
    }
  }

  /** Calls received, of both kinds, whatever their outcome. */
  public long calls() {
    return calls.get();
  }

  /** Calls received with this idempotency key, whatever their outcome. */
  public int callsWithKey(String idempotencyKey) {
    AtomicInteger count = callsByKey.get(idempotencyKey);
    return count == null ? 0 : count.get();
  }

  /**
   * Charges that took money for this reference (an order id): more than one is a double charge.
   * Blocks: for tests and operators, never for a request.
   */
  public int executedCharges(String reference) {
    return count(
        "select count(*) from simulated_provider_charge where reference = $1 and approved",
        reference);
  }

  /** Refunds executed for a charge: more than one is a double refund. Blocks, like the above. */
  public int executedRefunds(String chargeId) {
    return count("select count(*) from simulated_provider_refund where charge_id = $1", chargeId);
  }

  private int count(String sql, String parameter) {
    return pool.preparedQuery(sql)
        .execute(Tuple.of(parameter))
        .map(rows -> rows.iterator().next().getLong(0).intValue())
        .await()
        .atMost(BLOCKING_READ);
  }
}
