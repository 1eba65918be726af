package dev.tessera.{{service}}.api;

{{#publishes}}
import dev.tessera.contracts.{{service}}.{{Aggregate}}Created;
import dev.tessera.eventing.outbox.Outbox;
{{/publishes}}
import dev.tessera.reads.ReadRouter;
import dev.tessera.security.CurrentUser;
import dev.tessera.web.PageCursor;
import dev.tessera.web.ProblemException;
import dev.tessera.{{service}}.persistence.{{Aggregate}}Entity;
import dev.tessera.{{service}}.persistence.{{Aggregate}}Repository;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The {{service}} API: creating, reading and listing one's own {{aggregate}}s. Every answer that is
 * not a success is an RFC 9457 problem (platform/web); a {{aggregate}} of another user is a {@code
 * 404}, as one that does not exist.
 */
@Path("/api/{{service}}/{{aggregate}}s")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "{{service}}")
public class {{Aggregate}}Resource {

  private final Mutiny.SessionFactory sessionFactory;
  private final ReadRouter router;
  private final {{Aggregate}}Repository repository;
{{#publishes}}
  private final Outbox outbox;
{{/publishes}}
  private final CurrentUser user;
  private final int defaultLimit;
  private final int maxLimit;

  {{Aggregate}}Resource(
      Mutiny.SessionFactory sessionFactory,
      ReadRouter router,
      {{Aggregate}}Repository repository,
{{#publishes}}
      Outbox outbox,
{{/publishes}}
      CurrentUser user,
      @ConfigProperty(name = "tessera.{{service}}.pages.default-limit") int defaultLimit,
      @ConfigProperty(name = "tessera.{{service}}.pages.max-limit") int maxLimit) {
    this.sessionFactory = sessionFactory;
    this.router = router;
    this.repository = repository;
{{#publishes}}
    this.outbox = outbox;
{{/publishes}}
    this.user = user;
    this.defaultLimit = defaultLimit;
    this.maxLimit = maxLimit;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Create a {{aggregate}}{{#publishes}}; publishes {{Aggregate}}Created{{/publishes}}")
  @APIResponse(
      responseCode = "201",
      content = @Content(schema = @Schema(implementation = {{Aggregate}}View.class)))
  @APIResponse(responseCode = "400", description = "Invalid body, with field errors")
  public Uni<Response> create(@Valid @NotNull Create{{Aggregate}}Request request) {
    {{Aggregate}}Entity entity = new {{Aggregate}}Entity();
    entity.id = UUID.randomUUID();
    entity.userId = user.id();
    entity.name = request.name();
    entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return sessionFactory
        .withTransaction(
            session ->
                session
                    .persist(entity)
{{#publishes}}
                    // In the same transaction: the event is published if and only if it commits.
                    .chain(
                        () ->
                            outbox.record(
                                session,
                                new {{Aggregate}}Created(
                                    entity.id, entity.userId, entity.name, entity.createdAt)))
{{/publishes}}
                    .replaceWithVoid())
        .map(
            created ->
                Response.status(Response.Status.CREATED)
                    // Relative: behind the gateway, the host this service sees is not the client's.
                    .header(HttpHeaders.LOCATION, "/api/{{service}}/{{aggregate}}s/" + entity.id)
                    .entity({{Aggregate}}View.of(entity))
                    .build());
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One of the caller's {{aggregate}}s; 404 for any other")
  @APIResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = {{Aggregate}}View.class)))
  @APIResponse(responseCode = "404", description = "No such {{aggregate}} of this user")
  public Uni<{{Aggregate}}View> get(@PathParam("id") String id) {
    UUID {{aggregate}}Id = parseId(id);
    UUID userId = user.id();
    return router
        .read(session -> repository.findOwned(session, {{aggregate}}Id, userId))
        .map(
            found -> {
              if (found == null) {
                throw ProblemException.notFound("No {{aggregate}} " + id + ".");
              }
              return {{Aggregate}}View.of(found);
            });
  }

  @GET
  @Operation(summary = "The caller's {{aggregate}}s, newest first, a page at a time")
  @APIResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = {{Aggregate}}Page.class)))
  @APIResponse(responseCode = "400", description = "Bad limit or cursor")
  public Uni<{{Aggregate}}Page> list(
      @Parameter(description = "Items per page, 1 to the maximum (default 20)") @QueryParam("limit")
          String limit,
      @Parameter(description = "The nextCursor of the previous page") @QueryParam("cursor")
          String cursor) {
    int pageSize = limit(limit);
    Optional<PageCursor> after = cursor(cursor);
    UUID userId = user.id();
    return router
        .read(session -> repository.page(session, userId, after, pageSize + 1))
        .map(
            found -> {
              boolean more = found.size() > pageSize;
              List<{{Aggregate}}Entity> page = more ? found.subList(0, pageSize) : found;
              {{Aggregate}}Entity last = page.isEmpty() ? null : page.get(page.size() - 1);
              return new {{Aggregate}}Page(
                  page.stream().map({{Aggregate}}View::of).toList(),
                  more ? new PageCursor(last.createdAt, last.id).encode() : null);
            });
  }

  private static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("No {{aggregate}} " + id + ".");
    }
  }

  private int limit(String text) {
    if (text == null || text.isEmpty()) {
      return defaultLimit;
    }
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > maxLimit) {
      throw ProblemException.invalidField("limit", "must be between 1 and " + maxLimit);
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
                () -> ProblemException.invalidField("cursor", "must be a nextCursor of this API")));
  }
}
