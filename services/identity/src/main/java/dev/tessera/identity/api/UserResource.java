package dev.tessera.identity.api;

import dev.tessera.cache.Caches;
import dev.tessera.cache.TieredCache;
import dev.tessera.identity.accounts.AccountException;
import dev.tessera.identity.accounts.Accounts;
import dev.tessera.identity.api.Dtos.PasswordChange;
import dev.tessera.identity.api.Dtos.ProfileUpdate;
import dev.tessera.identity.api.Dtos.SignUpRequest;
import dev.tessera.identity.api.Dtos.SuspensionRequest;
import dev.tessera.identity.api.Dtos.SuspensionView;
import dev.tessera.identity.api.Dtos.UserView;
import dev.tessera.identity.persistence.UserEntity;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Users: sign-up, the caller's profile and password, and suspension (and its lifting) by an
 * administrator.
 */
@Path("/api/identity/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {

  private final Accounts accounts;
  private final JsonWebToken jwt;
  // The caller's profile (platform/cache): keyed by the token's subject, so nobody reads another's;
  // forgotten on every instance once a rename commits.
  private final TieredCache<UserView> profiles;

  UserResource(Accounts accounts, JsonWebToken jwt, Caches caches) {
    this.accounts = accounts;
    this.jwt = jwt;
    this.profiles = caches.create("profile", UserView.class);
  }

  /** Signs up: {@code 201} with the user and its location; a taken e-mail is {@code 409}. */
  @POST
  @PermitAll
  public Uni<Response> signUp(SignUpRequest request, UriInfo uri) {
    SignUpRequest form = request != null ? request : new SignUpRequest(null, null, null);
    return accounts
        .signUp(form.email(), form.password(), form.displayName())
        .map(
            user ->
                Response.created(uri.getAbsolutePathBuilder().path("{id}").build(user.id))
                    .entity(view(user))
                    .build());
  }

  /** The caller's profile. */
  @GET
  @Path("/me")
  @Authenticated
  public Uni<UserView> me() {
    UUID caller = caller();
    return profiles
        .get(
            caller.toString(),
            () ->
                accounts
                    .profileToCache(caller)
                    .map(UserResource::view)
                    .onFailure(AccountException.class)
                    .recoverWithNull())
        .map(
            view -> {
              if (view == null) {
                throw new AccountException(AccountException.Kind.USER_NOT_FOUND, "no such user");
              }
              return view;
            });
  }

  /** Changes the caller's display name. */
  @PATCH
  @Path("/me")
  @Authenticated
  public Uni<UserView> update(ProfileUpdate update) {
    UUID caller = caller();
    return accounts
        .rename(caller, update == null ? null : update.displayName())
        .call(renamed -> profiles.invalidate(caller.toString()))
        .map(UserResource::view);
  }

  /** Changes the caller's password; every token issued before dies. */
  @PUT
  @Path("/me/password")
  @Authenticated
  public Uni<Response> changePassword(PasswordChange change) {
    PasswordChange form = change != null ? change : new PasswordChange(null, null);
    return accounts
        .changePassword(caller(), form.currentPassword(), form.newPassword())
        .replaceWith(Response.noContent().build());
  }

  /** Suspends a user (administrators only): its tokens die and {@code UserSuspended} goes out. */
  @POST
  @Path("/{id}/suspension")
  @RolesAllowed("admin")
  public Uni<SuspensionView> suspend(@PathParam("id") UUID id, SuspensionRequest request) {
    return accounts
        .suspend(id, request == null ? null : request.reason())
        .map(user -> new SuspensionView(user.id, user.status.name()));
  }

  /**
   * Lifts a user's suspension (administrators only): the user may log in again and {@code
   * UserReinstated} goes out. Tokens the suspension revoked stay revoked.
   */
  @DELETE
  @Path("/{id}/suspension")
  @RolesAllowed("admin")
  public Uni<SuspensionView> reinstate(@PathParam("id") UUID id) {
    return accounts.reinstate(id).map(user -> new SuspensionView(user.id, user.status.name()));
  }

  private UUID caller() {
    return UUID.fromString(jwt.getSubject());
  }

  static UserView view(UserEntity user) {
    return new UserView(user.id, user.email, user.displayName);
  }
}
