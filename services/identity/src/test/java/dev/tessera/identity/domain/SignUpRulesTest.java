package dev.tessera.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignUpRulesTest {

  private static final String EMAIL = "grace@example.com";

  @Test
  void an_email_is_trimmed_and_lower_cased() {
    assertThat(SignUpRules.normaliseEmail("  Grace.Hopper@Example.COM "))
        .isEqualTo("grace.hopper@example.com");
  }

  @ParameterizedTest
  @ValueSource(strings = {"grace@example.com", "g.h+tag@mail.example.co.uk", "o'neil@example.org"})
  void ordinary_addresses_are_accepted(String email) {
    assertThat(SignUpRules.checkEmail("email", email)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "@example.com",
        "grace@",
        "grace@localhost",
        "grace@@example.com",
        "gr ace@example.com",
        "grace@example..com",
        "grace@-example.com",
        ".grace@example.com",
        "\"quoted\"@example.com"
      })
  void malformed_addresses_are_refused(String email) {
    assertThat(SignUpRules.checkEmail("email", email))
        .extracting(FieldError::field)
        .containsExactly("email");
  }

  @Test
  void an_address_longer_than_254_characters_is_refused() {
    String email = "a".repeat(60) + "@" + "b".repeat(190) + ".com";
    assertThat(email).hasSizeGreaterThan(254);
    assertThat(SignUpRules.checkEmail("email", email))
        .singleElement()
        .extracting(FieldError::message)
        .asString()
        .contains("254");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Correct-Horse-42",
        "Tr0ub4dor&3xyz",
        "a quiet passphrase of many words",
        "Zz9!Zz9!Zz9!"
      })
  void strong_passwords_are_accepted(String password) {
    assertThat(SignUpRules.checkPassword("password", password, EMAIL)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Short-1a", // under 12
        "onlylowercase12", // two classes, under 20
        "ALLUPPERCASEONLY", // one class
        "aaaaaaaaaaaaaaaaaaaaaaaaa", // one repeated character, even as a long passphrase
        "password1234", // common
        "Password1234", // common, whatever the case
        "Grace-Rocks-2024", // contains the e-mail's local part
      })
  void weak_passwords_are_refused(String password) {
    assertThat(SignUpRules.checkPassword("password", password, EMAIL)).isNotEmpty();
  }

  @Test
  void password_length_counts_characters_and_stops_at_128() {
    assertThat(SignUpRules.checkPassword("p", "Aa1-" + "x".repeat(124), EMAIL)).isEmpty();
    assertThat(SignUpRules.checkPassword("p", "Aa1-" + "x".repeat(125), EMAIL)).isNotEmpty();
    // Twelve characters outside the BMP are twelve characters, not 24.
    assertThat(SignUpRules.checkPassword("p", "😀🐱🚀1a😀🐱🚀1a😀🐱", EMAIL)).isEmpty();
  }

  @Test
  void display_names_are_1_to_100_characters_without_control_characters() {
    assertThat(SignUpRules.checkDisplayName("d", "A")).isEmpty();
    assertThat(SignUpRules.checkDisplayName("d", "x".repeat(100))).isEmpty();
    assertThat(SignUpRules.checkDisplayName("d", "x".repeat(101))).isNotEmpty();
    assertThat(SignUpRules.checkDisplayName("d", "  ")).isNotEmpty();
    assertThat(SignUpRules.checkDisplayName("d", null)).isNotEmpty();
    assertThat(SignUpRules.checkDisplayName("d", "Bell\u0007")).isNotEmpty();
  }

  @Test
  void a_sign_up_reports_every_broken_field_at_once() {
    assertThatThrownBy(() -> SignUpRules.checkSignUp("nope", "short", ""))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .extracting(FieldError::field)
                    .containsExactly("email", "password", "displayName"));
  }
}
