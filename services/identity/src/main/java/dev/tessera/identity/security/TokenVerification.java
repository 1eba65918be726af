package dev.tessera.identity.security;

import dev.tessera.identity.IdentityConfig;
import io.smallrye.jwt.KeyFormat;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * How smallrye-jwt verifies tokens on identity's own endpoints: against identity's own published
 * keys (the JWKS it serves, so a token signed by a previous key still verifies), RS256 only, with
 * the configured issuer and audience, and {@code roles} as the groups claim.
 */
@Dependent
public class TokenVerification {

  @Produces
  @Alternative
  @Priority(1)
  @Singleton
  JWTAuthContextInfo verification(SigningKeys keys, IdentityConfig config) {
    JWTAuthContextInfo info = new JWTAuthContextInfo();
    info.setPublicKeyContent(keys.jwksJson());
    info.setKeyFormat(KeyFormat.JWK);
    info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
    info.setIssuedBy(config.issuer());
    info.setExpectedAudience(Set.of(config.audience()));
    info.setGroupsPath("roles");
    info.setClockSkew(30);
    info.setRequiredClaims(Set.of("jti", "sub", "iat", "exp"));
    return info;
  }
}
