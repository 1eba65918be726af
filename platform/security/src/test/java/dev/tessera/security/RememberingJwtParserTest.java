package dev.tessera.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The remembering logic, around a stand-in for SmallRye's verification (pure logic, no keys). */
class RememberingJwtParserTest {

  private static final long T0 = 1_800_000_000_000L;

  private final AtomicLong now = new AtomicLong(T0);
  private final AtomicInteger verifications = new AtomicInteger();
  private final StandInVerifier verifier = new StandInVerifier();
  private final RememberingJwtParser parser = new RememberingJwtParser(verifier, now::get);

  @Test
  void a_token_seen_again_is_not_verified_again() throws ParseException {
    JsonWebToken first = parser.parse("token-a");
    JsonWebToken second = parser.parse("token-a");

    assertThat(second).isSameAs(first);
    assertThat(verifications).hasValue(1);
  }

  @Test
  void another_token_is_verified_on_its_own() throws ParseException {
    parser.parse("token-a");
    parser.parse("token-b");

    assertThat(verifications).hasValue(2);
  }

  @Test
  void a_remembered_token_is_verified_again_after_the_maximum_age() throws ParseException {
    parser.parse("token-a");
    now.addAndGet(RememberingJwtParser.MAX_AGE.toMillis());
    parser.parse("token-a");

    assertThat(verifications).hasValue(2);
  }

  @Test
  void a_remembered_token_that_has_expired_is_refused() throws ParseException {
    verifier.expiresAtSeconds = T0 / 1000 + 30;
    parser.parse("token-a");

    now.addAndGet(30_000);
    verifier.refuse = true; // what SmallRye answers for an expired token

    assertThatThrownBy(() -> parser.parse("token-a")).isInstanceOf(ParseException.class);
    assertThat(verifications).hasValue(2);
  }

  @Test
  void a_token_that_fails_verification_is_not_remembered() {
    verifier.refuse = true;
    assertThatThrownBy(() -> parser.parse("forged")).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> parser.parse("forged")).isInstanceOf(ParseException.class);

    assertThat(verifications).hasValue(2);
  }

  /** Answers like SmallRye's parser: a token valid for an hour, or a refusal. */
  private final class StandInVerifier extends DefaultJWTParser {
    long expiresAtSeconds = T0 / 1000 + 3600;
    boolean refuse;

    @Override
    public JsonWebToken parse(String token) throws ParseException {
      verifications.incrementAndGet();
      if (refuse) {
        throw new ParseException("refused: " + token);
      }
      return new Claims(Map.of("sub", "user-1", "exp", expiresAtSeconds));
    }
  }

  private record Claims(Map<String, Object> claims) implements JsonWebToken {
    @Override
    public String getName() {
      return (String) claims.get("sub");
    }

    @Override
    public Set<String> getClaimNames() {
      return claims.keySet();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String name) {
      return (T) claims.get(name);
    }
  }
}
