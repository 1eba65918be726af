package dev.tessera.identity.security;

import dev.tessera.identity.domain.AccessTokenClaims;
import dev.tessera.identity.domain.Role;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/** Signs access tokens: RS256, with the {@code kid} of the current signing key in the header. */
public final class TokenIssuer {

  private final SigningKeys keys;

  public TokenIssuer(SigningKeys keys) {
    this.keys = keys;
  }

  /** The compact JWS of {@code claims}. */
  public String sign(AccessTokenClaims claims) {
    JwtClaims jwt = new JwtClaims();
    jwt.setIssuer(claims.issuer());
    jwt.setAudience(claims.audience());
    jwt.setSubject(claims.subject().toString());
    jwt.setJwtId(claims.tokenId().toString());
    jwt.setIssuedAt(NumericDate.fromSeconds(claims.issuedAt().getEpochSecond()));
    jwt.setExpirationTime(NumericDate.fromSeconds(claims.expiresAt().getEpochSecond()));
    jwt.setStringListClaim("roles", claims.roles().stream().map(Role::claim).toList());
    jwt.setClaim("sid", claims.sessionId().toString());

    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(jwt.toJson());
    jws.setKey(keys.current().getPrivateKey());
    jws.setKeyIdHeaderValue(keys.current().getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    jws.setHeader("typ", "JWT");
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }
}
