package dev.tessera.identity.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for e-mail addresses, passwords and display names. Every check returns all the problems
 * it finds, so a client can fix a form in one round trip.
 */
public final class SignUpRules {

  /** RFC 5321: a forward path holds at most 254 characters of address. */
  public static final int EMAIL_MAX = 254;

  public static final int PASSWORD_MIN = 12;
  public static final int PASSWORD_MAX = 128;
  public static final int DISPLAY_NAME_MAX = 100;

  // Deliberately simpler than RFC 5322: one @, a dot-separated domain with a 2+ letter TLD, no
  // spaces or control characters. Quoted local parts and IP literals are refused on purpose.
  private static final Pattern EMAIL =
      Pattern.compile(
          "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");

  // A small deny-list of the passwords (and patterns) that top every breach list and are 12+
  // characters long; shorter ones already fail the length rule.
  private static final Set<String> COMMON =
      Set.of(
          "password1234",
          "password12345",
          "password123456",
          "password123!",
          "passw0rd1234",
          "123456789012",
          "1234567890123",
          "12345678901234",
          "qwertyuiop12",
          "qwerty123456",
          "qwertyuiop123",
          "iloveyou1234",
          "letmein12345",
          "welcome12345",
          "welcome123456",
          "administrator",
          "administrator1",
          "changeme1234",
          "trustno11234",
          "abcdefghijkl",
          "abc123abc123",
          "aaaaaaaaaaaa",
          "football1234",
          "baseball1234",
          "sunshine1234",
          "princess1234",
          "superman1234",
          "monkey123456",
          "dragon123456",
          "master123456",
          "1q2w3e4r5t6y",
          "zaq12wsxcde3",
          "correcthorsebatterystaple",
          "p@ssw0rd1234",
          "password@123");

  private SignUpRules() {}

  /** The canonical form of an address: trimmed and lower-cased (the unique key of a user). */
  public static String normaliseEmail(String email) {
    return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
  }

  /** Problems with a (normalised) e-mail address; empty when it is acceptable. */
  public static List<FieldError> checkEmail(String field, String normalisedEmail) {
    if (normalisedEmail == null || normalisedEmail.isEmpty()) {
      return List.of(new FieldError(field, "must not be empty"));
    }
    if (normalisedEmail.length() > EMAIL_MAX) {
      return List.of(new FieldError(field, "must be at most " + EMAIL_MAX + " characters"));
    }
    int at = normalisedEmail.indexOf('@');
    if (!EMAIL.matcher(normalisedEmail).matches() || at > 64) {
      return List.of(new FieldError(field, "must be an e-mail address like name@example.com"));
    }
    return List.of();
  }

  /**
   * Problems with a new password: 12 to 128 characters, at least three of the four character
   * classes (lower, upper, digit, other) unless it is 20 characters or longer (a passphrase), not
   * one repeated character, not a common password, and not the e-mail address itself.
   */
  public static List<FieldError> checkPassword(String field, String password, String email) {
    List<FieldError> errors = new ArrayList<>();
    if (password == null || password.isEmpty()) {
      return List.of(new FieldError(field, "must not be empty"));
    }
    int length = password.codePointCount(0, password.length());
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      errors.add(
          new FieldError(
              field, "must be " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters long"));
      return errors;
    }
    if (password.codePoints().distinct().count() == 1) {
      errors.add(new FieldError(field, "must not be one repeated character"));
    } else if (length < 20 && characterClasses(password) < 3) {
      errors.add(
          new FieldError(
              field,
              "must mix at least three of: lower-case letters, upper-case letters, digits, other"
                  + " characters (or be a passphrase of 20 or more characters)"));
    }
    String lower = password.toLowerCase(Locale.ROOT);
    if (COMMON.contains(lower)) {
      errors.add(new FieldError(field, "is too common"));
    }
    if (email != null && !email.isEmpty()) {
      String local = email.contains("@") ? email.substring(0, email.indexOf('@')) : email;
      if (lower.equals(email) || (local.length() >= 4 && lower.contains(local))) {
        errors.add(new FieldError(field, "must not contain the e-mail address"));
      }
    }
    return errors;
  }

  /** Problems with a display name: 1 to 100 characters after trimming, no control characters. */
  public static List<FieldError> checkDisplayName(String field, String displayName) {
    if (displayName == null || displayName.isBlank()) {
      return List.of(new FieldError(field, "must not be empty"));
    }
    String trimmed = displayName.strip();
    if (trimmed.codePointCount(0, trimmed.length()) > DISPLAY_NAME_MAX) {
      return List.of(
          new FieldError(field, "must be at most " + DISPLAY_NAME_MAX + " characters long"));
    }
    if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
      return List.of(new FieldError(field, "must not contain control characters"));
    }
    return List.of();
  }

  /** Checks a whole sign-up form; throws with every problem found. */
  public static void checkSignUp(String normalisedEmail, String password, String displayName) {
    List<FieldError> errors = new ArrayList<>();
    errors.addAll(checkEmail("email", normalisedEmail));
    errors.addAll(checkPassword("password", password, normalisedEmail));
    errors.addAll(checkDisplayName("displayName", displayName));
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
  }

  private static int characterClasses(String password) {
    boolean lower = false;
    boolean upper = false;
    boolean digit = false;
    boolean other = false;
    for (int cp : password.codePoints().toArray()) {
      if (Character.isLowerCase(cp)) {
        lower = true;
      } else if (Character.isUpperCase(cp)) {
        upper = true;
      } else if (Character.isDigit(cp)) {
        digit = true;
      } else {
        other = true;
      }
    }
    return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
  }
}
