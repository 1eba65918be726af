package dev.tessera.identity.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

  // Small parameters keep the unit test fast; the format and the checks are the same.
  private final PasswordHasher hasher = new PasswordHasher(1024, 1, 1);

  @Test
  void a_hash_is_argon2id_in_phc_format_and_verifies_only_its_password() {
    String hash = hasher.hash("Correct-Horse-42");
    assertThat(hash).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("Correct");
    assertThat(hasher.verify("Correct-Horse-42", hash)).isTrue();
    assertThat(hasher.verify("Correct-Horse-43", hash)).isFalse();
  }

  @Test
  void the_same_password_hashes_differently_each_time() {
    assertThat(hasher.hash("Correct-Horse-42")).isNotEqualTo(hasher.hash("Correct-Horse-42"));
  }

  @Test
  void the_default_parameters_are_owasps_minimum_and_are_read_back_from_the_hash() {
    String strong = new PasswordHasher().hash("Correct-Horse-42");
    assertThat(strong).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    // A hasher with other defaults still verifies it: the parameters travel in the hash.
    assertThat(hasher.verify("Correct-Horse-42", strong)).isTrue();
  }

  @Test
  void malformed_hashes_never_match() {
    assertThat(hasher.verify("x", "")).isFalse();
    assertThat(hasher.verify("x", "$2a$12$abcdefghijklmnopqrstuv")).isFalse();
    assertThat(hasher.verify("x", "$argon2id$v=19$m=1024,t=1,p=1$!!$!!")).isFalse();
    assertThat(hasher.verify("x", "$argon2id$v=19$q=1$AAAA$AAAA")).isFalse();
  }

  @Test
  void refresh_tokens_have_256_bits_and_are_stored_as_sha256() {
    String token = OpaqueTokens.newToken();
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(OpaqueTokens.newToken()).isNotEqualTo(token);
    assertThat(OpaqueTokens.hash(token)).hasSize(64).isEqualTo(OpaqueTokens.hash(token));
  }
}
