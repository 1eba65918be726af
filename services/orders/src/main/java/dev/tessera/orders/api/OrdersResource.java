package dev.tessera.orders.api;

import dev.tessera.orders.OrdersConfig;
import dev.tessera.orders.domain.CancellationReason;
import dev.tessera.orders.domain.OrderStatus;
import dev.tessera.orders.events.OrderEvents;
import dev.tessera.orders.persistence.OrderEntity;
import dev.tessera.orders.persistence.OrderRepository;
import dev.tessera.orders.persistence.ProductCatalog;
import dev.tessera.reads.ReadRouter;
import dev.tessera.security.CurrentUser;
import dev.tessera.sharding.ShardRouter;
import dev.tessera.web.PageCursor;
import dev.tessera.web.Problem;
import dev.tessera.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hibernate.reactive.mutiny.Mutiny;

/** The orders API: the catalog, placing, reading, listing and cancelling one's own orders. */
@Path("/api/orders")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "orders")
public class OrdersResource {

  /** How long an HTTP cache may keep the catalog without revalidating it. */
  static final int CATALOG_MAX_AGE_SECONDS = 60;

  private final ShardRouter shards;
  private final ReadRouter router;
  private final OrderRepository orders;
  private final ProductCatalog catalog;
  private final OrderPlacement placement;
  private final OrderEvents events;
  private final OrdersConfig config;
  private final OrderReads reads;
  private final CatalogValidators catalogValidators;
  private final CurrentUser user;

  OrdersResource(
      ShardRouter shards,
      ReadRouter router,
      OrderRepository orders,
      ProductCatalog catalog,
      OrderPlacement placement,
      OrderEvents events,
      OrdersConfig config,
      OrderReads reads,
      CatalogValidators catalogValidators,
      CurrentUser user) {
    this.shards = shards;
    this.router = router;
    this.orders = orders;
    this.catalog = catalog;
    this.placement = placement;
    this.events = events;
    this.config = config;
    this.reads = reads;
    this.catalogValidators = catalogValidators;
    this.user = user;
  }

  @GET
  @Path("catalog")
  @PermitAll
  @Operation(
      summary =
          "The products that can be ordered; public, cacheable for a minute, with an ETag and"
              + " Last-Modified (If-None-Match answers 304)")
  @APIResponse(
      responseCode = "200",
      content =
          @Content(
              schema = @Schema(type = SchemaType.ARRAY, implementation = ProductResponse.class)))
  @APIResponse(responseCode = "304", description = "The client's copy (If-None-Match) is current")
  public Uni<Response> catalog(@HeaderParam("If-None-Match") String ifNoneMatch) {
    return router
        .read(catalog::bySku)
        .map(
            products ->
                products.values().stream()
                    .map(
                        p ->
                            new ProductResponse(
                                p.sku(),
                                p.name(),
                                new MoneyResponse(p.price().amount(), p.price().currency())))
                    .toList())
        .map(
            body -> {
              CatalogValidators.Validators validators = catalogValidators.of(body);
              Response.ResponseBuilder answer =
                  CatalogValidators.matches(ifNoneMatch, validators.etag())
                      ? Response.notModified()
                      : Response.ok(body);
              return answer
                  // The catalog changes only with a migration: a CDN (or the gateway) may keep
                  // it briefly, and revalidate it with the ETag after that.
                  .header("Cache-Control", "public, max-age=" + CATALOG_MAX_AGE_SECONDS)
                  .header("ETag", validators.etag())
                  .lastModified(java.util.Date.from(validators.lastModified()))
                  .build();
            });
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Place an order; retries with the same Idempotency-Key get the same answer")
  @APIResponse(
      responseCode = "201",
      description = "Placed, awaiting payment",
      content = @Content(schema = @Schema(implementation = OrderResponse.class)))
  @APIResponse(responseCode = "400", description = "Invalid body, with field errors")
  @APIResponse(responseCode = "403", description = "The user is suspended")
  @APIResponse(
      responseCode = "422",
      description = "Unknown SKU, or the Idempotency-Key was used for another body")
  public Uni<Response> place(
      @Parameter(description = "Any unique string (a UUID): the same key replays the first answer")
          @HeaderParam("Idempotency-Key")
          String idempotencyKey,
      PlaceOrderRequest request) {
    if (idempotencyKey != null
        && (idempotencyKey.isBlank() || idempotencyKey.length() > OrderPlacement.MAX_KEY_LENGTH)) {
      throw ProblemMappers.invalidRequest(
          "The Idempotency-Key header must have 1 to "
              + OrderPlacement.MAX_KEY_LENGTH
              + " characters.",
          List.of(new Problem.FieldError("Idempotency-Key", "must have 1 to 255 characters")));
    }
    UUID userId = user.id();
    return shards
        .forUser(userId, () -> placement.place(userId, idempotencyKey, request))
        // Committed: the user's first page (and a "not found" of this id) are out of date.
        .call(
            placed ->
                placed.replayed()
                    ? Uni.createFrom().voidItem()
                    : reads.changed(placed.orderId(), userId))
        .map(
            placed -> {
              var response =
                  Response.status(placed.status())
                      // Relative: behind the gateway, the host this service sees is not the
                      // client's.
                      .header(HttpHeaders.LOCATION, "/api/orders/" + placed.orderId())
                      .type(MediaType.APPLICATION_JSON)
                      .entity(placed.body());
              if (placed.replayed()) {
                response.header("Idempotent-Replayed", "true");
              }
              return response.build();
            });
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One of the caller's orders; 404 for any other")
  @APIResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = OrderResponse.class)))
  @APIResponse(responseCode = "404", description = "No such order of this user")
  public Uni<OrderResponse> get(@PathParam("id") String id) {
    UUID orderId = orderId(id);
    UUID userId = user.id();
    // Cached with its owner; anyone else's read gets the 404 of a missing order.
    return shards
        .forUser(userId, () -> reads.owned(orderId, userId))
        .map(order -> requireFound(order, id));
  }

  @GET
  @Operation(summary = "The caller's orders, newest first, a page at a time")
  @APIResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = OrderPage.class)))
  @APIResponse(responseCode = "400", description = "Unknown status, bad limit or cursor")
  public Uni<OrderPage> list(
      @Parameter(
              description = "Only orders in this state",
              schema =
                  @Schema(
                      type = SchemaType.STRING,
                      enumeration = {"PENDING_PAYMENT", "CONFIRMED", "CANCELLED"}))
          @QueryParam("status")
          String status,
      @Parameter(description = "Orders per page, 1 to 100 (default 20)") @QueryParam("limit")
          String limit,
      @Parameter(description = "The nextCursor of the previous page") @QueryParam("cursor")
          String cursor) {
    Optional<OrderStatus> statusFilter = status(status);
    int pageSize = limit(limit);
    Optional<PageCursor> after = cursor(cursor);
    UUID userId = user.id();
    Function<Mutiny.Session, Uni<List<OrderEntity>>> query =
        session -> orders.page(session, userId, statusFilter, after, pageSize + 1);
    if (statusFilter.isEmpty() && after.isEmpty() && pageSize == config.pages().defaultLimit()) {
      // The first page as a client shows it: the hot read, cached until an order of it changes.
      // Loaded from the primary: the cache keeps it for every reader (ReadRouter#readLatest).
      return shards.forUser(
          userId, () -> reads.firstPage(userId, () -> page(router.readLatest(query), pageSize)));
    }
    return shards.forUser(userId, () -> page(router.read(query), pageSize));
  }

  private static Uni<OrderPage> page(Uni<List<OrderEntity>> query, int pageSize) {
    return query.map(
        found -> {
          boolean more = found.size() > pageSize;
          List<OrderEntity> page = more ? found.subList(0, pageSize) : found;
          OrderEntity last = page.isEmpty() ? null : page.get(page.size() - 1);
          return new OrderPage(
              page.stream().map(OrderResponse::of).toList(),
              more ? new PageCursor(last.createdAt, last.id).encode() : null);
        });
  }

  @POST
  @Path("{id}/cancellation")
  @Operation(summary = "Cancel one of the caller's orders; billing refunds a paid one")
  @APIResponse(
      responseCode = "200",
      description = "Cancelled",
      content = @Content(schema = @Schema(implementation = OrderResponse.class)))
  @APIResponse(responseCode = "404", description = "No such order of this user")
  @APIResponse(responseCode = "409", description = "Already cancelled, or changed concurrently")
  public Uni<OrderResponse> cancel(@PathParam("id") String id) {
    UUID orderId = orderId(id);
    UUID userId = user.id();
    return shards
        .withTransaction(
            userId,
            session ->
                orders
                    .findOwned(session, orderId, userId)
                    .chain(
                        found -> {
                          OrderEntity order = requireFound(found, id);
                          // IllegalTransitionException (already cancelled) becomes a 409 problem.
                          order.cancel(
                              CancellationReason.CUSTOMER_REQUEST,
                              Instant.now().truncatedTo(ChronoUnit.MICROS));
                          return events
                              .cancelled(session, order)
                              // Flushed here so that a concurrent change (the version check) fails
                              // before the response is built.
                              .chain(session::flush)
                              .map(ignored -> OrderResponse.of(order));
                        }))
        .call(cancelled -> reads.changed(orderId, userId));
  }

  private static UUID orderId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("No order " + id + ".");
    }
  }

  private static <T> T requireFound(T order, String id) {
    if (order == null) {
      throw ProblemException.notFound("No order " + id + ".");
    }
    return order;
  }

  private static Optional<OrderStatus> status(String status) {
    if (status == null || status.isEmpty()) {
      return Optional.empty();
    }
    OrderStatus known = OrderStatus.read(status.toUpperCase(Locale.ROOT));
    if (known != OrderStatus.UNKNOWN) {
      return Optional.of(known);
    }
    throw ProblemMappers.invalidRequest(
        "Unknown status " + status + ".",
        List.of(
            new Problem.FieldError(
                "status", "must be one of PENDING_PAYMENT, CONFIRMED, CANCELLED")));
  }

  private int limit(String text) {
    if (text == null || text.isEmpty()) {
      return config.pages().defaultLimit();
    }
    int max = config.pages().maxLimit();
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > max) {
      throw ProblemMappers.invalidRequest(
          "limit must be between 1 and " + max + ".",
          List.of(new Problem.FieldError("limit", "must be between 1 and " + max)));
    }
    return limit;
  }

  private static Optional<PageCursor> cursor(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        PageCursor.decode(cursor)
            .orElseThrow(
                () ->
                    ProblemMappers.invalidRequest(
                        "The cursor is not one this service issued.",
                        List.of(
                            new Problem.FieldError(
                                "cursor", "must be the nextCursor of a previous page")))));
  }
}
