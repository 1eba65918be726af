package dev.tessera.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The services' bearer-token parser: verifies a token as SmallRye JWT does (RS256 signature against
 * identity's JWKS, issuer, audience, expiry) and remembers the result for a short while, so that a
 * client sending the same token with every request does not pay an RSA verification each time (a
 * tenth of orders' CPU when placing orders).
 *
 * <p>A remembered token is used again only while it has not expired and for at most {@link
 * #MAX_AGE} after it was verified; then it is verified again, so a key removed from the JWKS stops
 * being trusted within that time, well inside SmallRye's own JWKS refresh interval (minutes). The
 * key is the whole token: a token differing in any byte is verified afresh. Revocation is the
 * gateway's job and is not affected.
 */
@Alternative
@Priority(1)
@ApplicationScoped
@Typed(JWTParser.class)
public class RememberingJwtParser implements JWTParser {

  /** How long a verified token is trusted without verifying it again. */
  static final Duration MAX_AGE = Duration.ofSeconds(60);

  /** Tokens remembered at most; past that the memory starts over (a burst of new users). */
  static final int MAX_ENTRIES = 10_000;

  private final JWTParser verifier;
  private final LongSupplier nowMillis;
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  @Inject
  RememberingJwtParser(DefaultJWTParser verifier) {
    this(verifier, Clock.systemUTC()::millis);
  }

  RememberingJwtParser(JWTParser verifier, LongSupplier nowMillis) {
    this.verifier = verifier;
    this.nowMillis = nowMillis;
  }

  private record Verified(JsonWebToken token, long verifiedAtMillis) {}

  @Override
  public JsonWebToken parse(String token) throws ParseException {
    long now = nowMillis.getAsLong();
    Verified known = verified.get(token);
    if (known != null && stillTrusted(known, now)) {
      return known.token();
    }
    JsonWebToken parsed = verifier.parse(token); // throws for anything not valid now
    if (verified.size() >= MAX_ENTRIES) {
      verified.clear();
    }
    verified.put(token, new Verified(parsed, now));
    return parsed;
  }

  private static boolean stillTrusted(Verified known, long now) {
    return now - known.verifiedAtMillis() < MAX_AGE.toMillis()
        && known.token().getExpirationTime() * 1000 > now;
  }

  // Everything else as SmallRye does it, without remembering.

  @Override
  public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
    return verifier.parse(token, context);
  }

  @Override
  public JsonWebToken verify(String token, PublicKey key) throws ParseException {
    return verifier.verify(token, key);
  }

  @Override
  public JsonWebToken verify(String token, SecretKey key) throws ParseException {
    return verifier.verify(token, key);
  }

  @Override
  public JsonWebToken verify(String token, String secret) throws ParseException {
    return verifier.verify(token, secret);
  }

  @Override
  public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
    return verifier.decrypt(token, key);
  }

  @Override
  public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
    return verifier.decrypt(token, key);
  }

  @Override
  public JsonWebToken decrypt(String token, String secret) throws ParseException {
    return verifier.decrypt(token, secret);
  }

  @Override
  public JsonWebToken parseOnly(String token) throws ParseException {
    return verifier.parseOnly(token);
  }
}
