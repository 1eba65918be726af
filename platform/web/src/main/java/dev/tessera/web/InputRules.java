package dev.tessera.web;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules every string a client sends must keep, wherever it arrives (body, path, query, header):
 * no control characters (PostgreSQL refuses NUL outright, and the rest only ever hide something),
 * no broken UTF-16, and a bounded length. Plus the e-mail syntax that every service accepts.
 */
public final class InputRules {

  /** RFC 5321: a forward path holds at most 254 characters of address. */
  public static final int EMAIL_MAX = 254;

  // Deliberately simpler than RFC 5322: one @, a dot-separated domain with a 2+ letter TLD, no
  // spaces or control characters. Quoted local parts and IP literals are refused on purpose.
  private static final Pattern EMAIL =
      Pattern.compile(
          "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");

  private InputRules() {}

  /**
   * What is wrong with {@code value} as a string from a client, or {@code null} when nothing is.
   * {@code null} itself is fine here: whether a field is required is the endpoint's rule.
   */
  public static String problem(String value, int maxLength) {
    if (value == null) {
      return null;
    }
    if (value.length() > maxLength) {
      return "must be at most " + maxLength + " characters long";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return "must not contain control characters";
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must be valid Unicode text";
      }
    }
    return null;
  }

  /**
   * Whether {@code value} is an e-mail address this system accepts, compared the way addresses are
   * stored: trimmed and lower-cased.
   */
  public static boolean isEmailAddress(String value) {
    if (value == null) {
      return false;
    }
    String address = value.strip().toLowerCase(Locale.ROOT);
    // RFC 5321: a local part holds at most 64 characters.
    return address.length() <= EMAIL_MAX
        && address.indexOf('@') <= 64
        && EMAIL.matcher(address).matches();
  }
}
