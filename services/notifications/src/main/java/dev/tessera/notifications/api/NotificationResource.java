package dev.tessera.notifications.api;

import dev.tessera.notifications.domain.EmailPreferences;
import dev.tessera.notifications.persistence.NotificationEntity;
import dev.tessera.notifications.persistence.NotificationQueries;
import dev.tessera.notifications.persistence.PagePosition;
import dev.tessera.security.CurrentUser;
import dev.tessera.web.Problem;
import dev.tessera.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** The user's in-app inbox and e-mail preferences. */
@Path("/api/notifications")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "notifications")
@SecurityRequirement(name = "jwt")
public class NotificationResource {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final NotificationQueries queries;
  private final CurrentUser user;
  private final UnreadCounts unread;

  NotificationResource(NotificationQueries queries, CurrentUser user, UnreadCounts unread) {
    this.queries = queries;
    this.user = user;
    this.unread = unread;
  }

  @GET
  @Operation(summary = "The user's notifications, newest first (keyset pagination)")
  public Uni<NotificationPage> list(
      @RestQuery Boolean unread, @RestQuery String limit, @RestQuery String cursor) {
    List<Problem.FieldError> errors = new ArrayList<>();
    int pageSize = DEFAULT_LIMIT;
    if (limit != null) {
      try {
        pageSize = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        pageSize = -1;
      }
      if (pageSize < 1 || pageSize > MAX_LIMIT) {
        errors.add(new Problem.FieldError("limit", "must be a number from 1 to " + MAX_LIMIT));
      }
    }
    PagePosition after = null;
    if (cursor != null) {
      after = CursorCodec.decode(cursor).orElse(null);
      if (after == null) {
        errors.add(new Problem.FieldError("cursor", "is not a cursor of this list"));
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
    int size = pageSize;
    // One more than asked tells whether a next page exists.
    return queries
        .page(user.id(), Boolean.TRUE.equals(unread), after, size + 1)
        .map(
            rows -> {
              List<NotificationEntity> page = rows.size() > size ? rows.subList(0, size) : rows;
              String next = null;
              if (rows.size() > size) {
                NotificationEntity last = page.get(page.size() - 1);
                next = CursorCodec.encode(new PagePosition(last.createdAt, last.id));
              }
              return new NotificationPage(
                  page.stream().map(NotificationResource::view).toList(), next);
            });
  }

  @GET
  @Path("/unread-count")
  @Operation(summary = "How many of the caller's notifications are unread (a badge to poll)")
  public Uni<UnreadCount> unreadCount() {
    return unread.of(user.id());
  }

  @POST
  @Path("/{id}/read")
  @Operation(summary = "Marks a notification read; marking it again changes nothing")
  public Uni<RestResponse<Void>> markRead(@RestPath String id) {
    UUID notificationId;
    try {
      notificationId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("No such notification.");
    }
    UUID userId = user.id();
    return queries
        .markRead(userId, notificationId)
        // Committed: the cached unread count is out of date on every instance.
        .call(found -> found ? unread.changed(userId) : Uni.createFrom().voidItem())
        .map(
            found -> {
              if (!found) {
                throw ProblemException.notFound("No such notification.");
              }
              return RestResponse.noContent();
            });
  }

  @GET
  @Path("/preferences")
  @Operation(summary = "The user's e-mail preferences per category")
  public Uni<PreferencesView> preferences() {
    return queries.preferences(user.id()).map(PreferencesView::of);
  }

  @PUT
  @Path("/preferences")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Sets e-mail on or off for every category")
  public Uni<PreferencesView> updatePreferences(@NotNull @Valid PreferencesRequest body) {
    var email = body.email();
    return queries
        .savePreferences(
            user.id(), new EmailPreferences(email.account(), email.orders(), email.payments()))
        .map(PreferencesView::of);
  }

  private static NotificationView view(NotificationEntity n) {
    return new NotificationView(
        n.id, n.category, n.kind, n.title, n.body, n.createdAt, n.readAt != null, n.readAt);
  }
}
