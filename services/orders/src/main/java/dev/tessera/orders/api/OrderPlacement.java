package dev.tessera.orders.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.orders.domain.FieldViolation;
import dev.tessera.orders.domain.InvalidOrderException;
import dev.tessera.orders.domain.OrderRules;
import dev.tessera.orders.domain.OrderStatus;
import dev.tessera.orders.domain.PricedOrder;
import dev.tessera.orders.domain.RequestedLine;
import dev.tessera.orders.events.OrderEvents;
import dev.tessera.orders.persistence.IdempotencyRecord;
import dev.tessera.orders.persistence.OrderEntity;
import dev.tessera.orders.persistence.ProductCatalog;
import dev.tessera.orders.persistence.StoredLine;
import dev.tessera.orders.persistence.UserProjection;
import dev.tessera.sharding.ShardedIds;
import dev.tessera.sharding.Shards;
import dev.tessera.web.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Places orders exactly once per {@code Idempotency-Key}: the order, its {@code OrderPlaced} event
 * and the key with the response to replay commit in one transaction.
 */
@ApplicationScoped
public class OrderPlacement {

  /** The longest {@code Idempotency-Key} accepted (the column's size). */
  public static final int MAX_KEY_LENGTH = 255;

  private static final String UNIQUE_VIOLATION = "23505";

  private final Mutiny.SessionFactory sessionFactory;
  private final ProductCatalog catalog;
  private final UserProjection users;
  private final OrderEvents events;
  private final ObjectMapper json;
  private final MeterRegistry meters;

  OrderPlacement(
      Mutiny.SessionFactory sessionFactory,
      ProductCatalog catalog,
      UserProjection users,
      OrderEvents events,
      ObjectMapper json,
      MeterRegistry meters) {
    this.sessionFactory = sessionFactory;
    this.catalog = catalog;
    this.users = users;
    this.events = events;
    this.json = json;
    this.meters = meters;
  }

  /**
   * The outcome of a placement: what to answer.
   *
   * @param status 201 for a new order (and its replays)
   * @param orderId the order
   * @param body the JSON body, byte for byte the same on a replay
   * @param replayed whether this is the stored answer to an earlier request
   */
  public record Placed(int status, UUID orderId, String body, boolean replayed) {}

  /**
   * Places the order of {@code request} for {@code userId}, or replays the response to an earlier
   * request with the same {@code idempotencyKey} (which may be {@code null}: no replay then).
   *
   * @throws InvalidOrderException (in the {@link Uni}) for an order that breaks the rules
   * @throws ProblemException (in the {@link Uni}) for a reused key with another body (422) or a
   *     suspended user (403)
   */
  public Uni<Placed> place(UUID userId, String idempotencyKey, PlaceOrderRequest request) {
    List<RequestedLine> lines = requestedLines(request);
    List<FieldViolation> shape = OrderRules.checkShape(lines);
    if (!shape.isEmpty()) {
      return Uni.createFrom()
          .failure(new InvalidOrderException(InvalidOrderException.Kind.MALFORMED, shape));
    }
    String hash = hash(lines);
    if (idempotencyKey == null) {
      return sessionFactory.withTransaction(session -> create(session, userId, null, hash, lines));
    }
    var key = new IdempotencyRecord.Key(userId, idempotencyKey);
    return sessionFactory
        .withTransaction(
            session ->
                session
                    .find(IdempotencyRecord.class, key)
                    .chain(
                        stored ->
                            stored != null
                                ? Uni.createFrom().item(replay(stored, hash))
                                : create(session, userId, key, hash, lines)))
        // Two requests with one key at once: the second one's insert of the key violates the
        // primary key and rolls back; it then answers with what the first one stored.
        .onFailure(OrderPlacement::isUniqueViolation)
        .recoverWithUni(
            () ->
                sessionFactory.withSession(
                    session ->
                        session
                            .find(IdempotencyRecord.class, key)
                            .map(stored -> replay(stored, hash))));
  }

  private Uni<Placed> create(
      Mutiny.Session session,
      UUID userId,
      IdempotencyRecord.Key key,
      String hash,
      List<RequestedLine> lines) {
    return users
        .isSuspended(session, userId)
        .chain(
            suspended -> {
              if (suspended) {
                meters.counter("orders.placed", "outcome", "suspended").increment();
                return Uni.createFrom()
                    .failure(
                        new ProblemException(
                            403,
                            "user-suspended",
                            "User suspended",
                            "A suspended user cannot place orders."));
              }
              return catalog.bySku(session);
            })
        .chain(
            products -> {
              OrderEntity order = newOrder(userId, OrderRules.price(lines, products));
              String body = toJson(OrderResponse.of(order));
              Uni<Void> saved = session.persist(order).chain(() -> events.placed(session, order));
              if (key != null) {
                IdempotencyRecord record = new IdempotencyRecord();
                record.id = key;
                record.requestHash = hash;
                record.orderId = order.id;
                record.responseStatus = 201;
                record.responseBody = body;
                record.createdAt = order.createdAt;
                // Flushed here so that a concurrent request with the same key fails now, inside
                // this transaction, and is recovered above.
                saved = saved.chain(() -> session.persist(record)).chain(session::flush);
              }
              return saved
                  .invoke(() -> meters.counter("orders.placed", "outcome", "placed").increment())
                  .map(ignored -> new Placed(201, order.id, body, false));
            });
  }

  private Placed replay(IdempotencyRecord stored, String hash) {
    if (stored == null) {
      // The key's owner rolled back after all (it cannot, once its insert conflicted; defensive).
      throw new ProblemException(
          409, "idempotency-in-progress", "Request in progress", "Retry the request.");
    }
    if (!stored.requestHash.equals(hash)) {
      throw new ProblemException(
          422,
          "idempotency-key-reused",
          "Idempotency-Key reused",
          "This Idempotency-Key was used for a different request; use a new key for a new order.");
    }
    return new Placed(stored.responseStatus, stored.orderId, stored.responseBody, true);
  }

  private static OrderEntity newOrder(UUID userId, PricedOrder priced) {
    // Microseconds: what PostgreSQL stores, so the response, the event and a re-read agree.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    OrderEntity order = new OrderEntity();
    // The id names the user's shard, so that an id alone finds the database that holds the order.
    order.id = ShardedIds.next(Shards.ofUser(userId));
    order.userId = userId;
    order.status = OrderStatus.PENDING_PAYMENT;
    order.lines =
        priced.lines().stream()
            .map(l -> new StoredLine(l.sku(), l.name(), l.quantity(), l.unitPrice().amount()))
            .toList();
    order.totalAmount = priced.total().amount();
    order.currency = priced.total().currency();
    order.createdAt = now;
    order.updatedAt = now;
    return order;
  }

  private static List<RequestedLine> requestedLines(PlaceOrderRequest request) {
    if (request == null || request.items() == null) {
      return null;
    }
    List<RequestedLine> lines = new ArrayList<>(request.items().size());
    for (PlaceOrderRequest.Item item : request.items()) {
      lines.add(item == null ? null : new RequestedLine(item.sku(), item.quantity()));
    }
    return lines;
  }

  /** SHA-256 of the request's meaning (its lines in order), not of its bytes or whitespace. */
  private static String hash(List<RequestedLine> lines) {
    StringBuilder canonical = new StringBuilder();
    for (RequestedLine line : lines) {
      canonical.append(line.sku()).append('\u0000').append(line.quantity()).append('\n');
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private String toJson(OrderResponse response) {
    try {
      return json.writeValueAsString(response);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the order response", e);
    }
  }

  private static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        return true;
      }
      if (t instanceof ConstraintViolationException c && UNIQUE_VIOLATION.equals(c.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
