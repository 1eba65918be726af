package dev.tessera.identity.api;

import dev.tessera.identity.accounts.Accounts;
import dev.tessera.identity.accounts.IssuedTokens;
import dev.tessera.identity.api.Dtos.LoginRequest;
import dev.tessera.identity.api.Dtos.RefreshRequest;
import dev.tessera.identity.api.Dtos.TokenResponse;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Tokens: log-in, refresh-token rotation and log-out. */
@Path("/api/identity/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TokenResource {

  private final Accounts accounts;
  private final JsonWebToken jwt;

  TokenResource(Accounts accounts, JsonWebToken jwt) {
    this.accounts = accounts;
    this.jwt = jwt;
  }

  /** Logs in; unknown e-mail and wrong password give the same {@code 401}. */
  @POST
  @PermitAll
  public Uni<Response> logIn(@Valid LoginRequest request) {
    LoginRequest form = request != null ? request : new LoginRequest(null, null);
    return accounts.logIn(form.email(), form.password()).map(TokenResource::tokens);
  }

  /** Rotates a refresh token; a reused one revokes its family and is {@code 401}. */
  @POST
  @Path("/refresh")
  @PermitAll
  public Uni<Response> refresh(RefreshRequest request) {
    return accounts
        .refresh(request == null ? null : request.refreshToken())
        .map(TokenResource::tokens);
  }

  /** Logs out: every access token of this session and its refresh-token family die everywhere. */
  @DELETE
  @Path("/current")
  @Authenticated
  public Uni<Response> logOut() {
    String sid = jwt.getClaim("sid");
    UUID session = sid == null ? null : UUID.fromString(sid);
    return accounts
        .logOut(jwt.getTokenID(), Instant.ofEpochSecond(jwt.getExpirationTime()), session)
        .replaceWith(Response.noContent().build());
  }

  private static Response tokens(IssuedTokens tokens) {
    return Response.ok(
            new TokenResponse(
                tokens.accessToken(), tokens.refreshToken(), "Bearer", tokens.expiresInSeconds()))
        // Token responses must never be cached (RFC 6749 §5.1).
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache")
        .build();
  }
}
