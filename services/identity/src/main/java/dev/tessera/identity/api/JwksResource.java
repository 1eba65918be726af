package dev.tessera.identity.api;

import dev.tessera.identity.security.SigningKeys;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The public keys that verify identity's tokens (RFC 7517 JWK Set). */
@Path("/api/identity/.well-known/jwks.json")
public class JwksResource {

  private final SigningKeys keys;

  JwksResource(SigningKeys keys) {
    this.keys = keys;
  }

  /** The JWK Set: kid, kty, alg, use, n, e of every key whose tokens may still be alive. */
  @GET
  @PermitAll
  @Produces(MediaType.APPLICATION_JSON)
  public Response jwks() {
    // Short caching: verifiers refetch on an unknown kid anyway, and a rotation shows up soon.
    return Response.ok(keys.jwksJson()).header("Cache-Control", "public, max-age=300").build();
  }
}
