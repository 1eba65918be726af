package dev.tessera.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputRulesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"a\u0000@b.io", "tab\there", "line\nbreak", "bell\u0007", "del\u007f", "c1\u0085"})
  void a_control_character_anywhere_breaks_the_rules(String value) {
    assertThat(InputRules.problem(value, 100)).isEqualTo("must not contain control characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lone \ud800 high", "lone \udc00 low", "ends high \ud800"})
  void broken_utf16_breaks_the_rules(String value) {
    assertThat(InputRules.problem(value, 100)).isEqualTo("must be valid Unicode text");
  }

  @Test
  void ordinary_text_in_any_script_and_emoji_keep_the_rules() {
    assertThat(InputRules.problem("Zoë Łukasz 山田 \ud83d\ude00 <b>&amp;</b>", 100)).isNull();
    assertThat(InputRules.problem("", 100)).isNull();
    assertThat(InputRules.problem(null, 100)).isNull();
  }

  @Test
  void a_string_longer_than_the_limit_breaks_the_rules_and_one_at_the_limit_keeps_them() {
    assertThat(InputRules.problem("x".repeat(11), 10))
        .isEqualTo("must be at most 10 characters long");
    assertThat(InputRules.problem("x".repeat(10), 10)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ada@example.com",
        "  Ada.Lovelace+tag@Mail.Example.co.uk ",
        "admin@tessera.local"
      })
  void these_are_e_mail_addresses(String value) {
    assertThat(InputRules.isEmailAddress(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not-an-email",
        "ada@localhost",
        "a b@example.com",
        "a\u0000@b.io",
        "ada@@example.com",
        "ada@example..com",
        ".ada@example.com",
        "\"quoted\"@example.com",
        "ada@[127.0.0.1]"
      })
  void these_are_not_e_mail_addresses(String value) {
    assertThat(InputRules.isEmailAddress(value)).isFalse();
  }

  @Test
  void an_e_mail_address_has_at_most_64_characters_before_the_at_and_254_in_all() {
    assertThat(InputRules.isEmailAddress("x".repeat(64) + "@example.com")).isTrue();
    assertThat(InputRules.isEmailAddress("x".repeat(65) + "@example.com")).isFalse();
    String domain = ("d".repeat(60) + ".").repeat(4) + "com"; // 247 characters
    assertThat(InputRules.isEmailAddress("abcdef@" + domain)).isTrue(); // 254
    assertThat(InputRules.isEmailAddress("abcdefg@" + domain)).isFalse(); // 255
    assertThat(InputRules.isEmailAddress(null)).isFalse();
  }
}
