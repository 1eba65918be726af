package dev.tessera.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tessera.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;

/**
 * Verifies identity's access tokens: compact JWS only, {@code RS256} only (an allow-list: {@code
 * none}, {@code HS*} and every other algorithm are refused before any key is looked at), the
 * signature against the JWKS key named by {@code kid}, then {@code exp}/{@code nbf} (with a small
 * skew), {@code iss}, {@code aud}, and the presence of {@code sub}, {@code jti} and {@code iat}.
 *
 * <p>A token that passed is remembered (keyed by the whole token, so only the very same bytes
 * match): a client sends the same token with every request for its whole life, and the RS256 check
 * and JSON parsing are most of the gateway's CPU. A remembered token is still refused once it
 * expires or once its signing key leaves the JWKS; revocation is checked on every request anyway.
 */
@ApplicationScoped
public class TokenVerifier {

  private static final int MAX_TOKEN_LENGTH = 8192;

  private final JwksKeys keys;
  private final GatewayConfig.Jwt config;
  private final Map<PublicKey, JwtConsumer> consumers = new ConcurrentHashMap<>();
  private final Cache<String, Verified> verified;

  /** A token that passed every check, with the key that signed it. */
  private record Verified(Principal principal, String kid, PublicKey key) {}

  // First pass only: parses header and claims, checks nothing (jose4j's two-pass pattern). Every
  // check, the signature first, is done by the key's consumer on the same JwtContext.
  private static final JwtConsumer UNVERIFIED =
      new JwtConsumerBuilder()
          .setSkipAllValidators()
          .setDisableRequireSignature()
          .setSkipSignatureVerification()
          .build();

  TokenVerifier(JwksKeys keys, GatewayConfig config) {
    this.keys = keys;
    this.config = config.jwt();
    int size = this.config.verifiedCacheSize();
    this.verified = size > 0 ? Caffeine.newBuilder().maximumSize(size).build() : null;
  }

  /**
   * Whether {@code token} passed before and is still remembered: checking it again costs no
   * signature verification.
   */
  public boolean isKnown(String token) {
    return verified != null && verified.getIfPresent(token) != null;
  }

  /** The principal of {@code token}, or a failure with {@link InvalidTokenException}. */
  public Future<Principal> verify(String token) {
    Verified known = verified == null ? null : verified.getIfPresent(token);
    if (known != null) {
      if (stillValid(known)) {
        return Future.succeededFuture(known.principal());
      }
      verified.invalidate(token);
    }
    JwtContext parsed;
    String kid;
    try {
      parsed = parse(token);
      kid = kid(parsed);
    } catch (InvalidTokenException e) {
      return Future.failedFuture(e);
    }
    return keys.key(kid)
        .map(
            key -> {
              if (key.isEmpty()) {
                throw new InvalidTokenException("unknown kid " + kid);
              }
              Principal principal = claims(parsed, key.get());
              if (verified != null) {
                verified.put(token, new Verified(principal, kid, key.get()));
              }
              return principal;
            });
  }

  /** A remembered token: not expired (same skew as a full check), its key still published. */
  private boolean stillValid(Verified known) {
    long now = System.currentTimeMillis() / 1000;
    return now < known.principal().expiresAt() + (int) config.clockSkew().toSeconds()
        && keys.current(known.kid(), known.key());
  }

  /**
   * Parses the token once, without trusting anything yet: the signature and the claims are checked
   * later on this same parse ({@link JwtConsumer#processContext}), not on a second one.
   */
  private static JwtContext parse(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("missing or oversized token");
    }
    if (token.chars().filter(c -> c == '.').count() != 2) {
      throw new InvalidTokenException("not a compact JWS");
    }
    try {
      return UNVERIFIED.process(token);
    } catch (InvalidJwtException | RuntimeException e) {
      throw new InvalidTokenException("unparseable token");
    }
  }

  /**
   * The {@code kid} of a parsed RS256 JWS; anything else is refused before any key is looked at.
   */
  private static String kid(JwtContext parsed) {
    List<JsonWebStructure> structures = parsed.getJoseObjects();
    if (structures.size() != 1 || !(structures.get(0) instanceof JsonWebSignature jws)) {
      throw new InvalidTokenException("not a JWS");
    }
    String alg = jws.getAlgorithmHeaderValue();
    if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(alg)) {
      throw new InvalidTokenException("algorithm not allowed: " + alg);
    }
    String kid = jws.getKeyIdHeaderValue();
    if (kid == null || kid.isBlank()) {
      throw new InvalidTokenException("no kid");
    }
    return kid;
  }

  private Principal claims(JwtContext parsed, PublicKey key) {
    try {
      consumers.computeIfAbsent(key, this::consumer).processContext(parsed);
      JwtClaims claims = parsed.getJwtClaims();
      return new Principal(
          claims.getSubject(),
          claims.getJwtId(),
          claims.getIssuedAt().getValue(),
          claims.getExpirationTime().getValue(),
          claims.getClaimValueAsString("sid"));
    } catch (InvalidJwtException | MalformedClaimException e) {
      throw new InvalidTokenException(e.getMessage());
    }
  }

  private JwtConsumer consumer(PublicKey key) {
    return new JwtConsumerBuilder()
        .setJwsAlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
        .setVerificationKey(key)
        .setRequireExpirationTime()
        .setRequireIssuedAt()
        .setRequireSubject()
        .setRequireJwtId()
        .setAllowedClockSkewInSeconds((int) config.clockSkew().toSeconds())
        .setExpectedIssuer(config.issuer())
        .setExpectedAudience(config.audience())
        .build();
  }
}
