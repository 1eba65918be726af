package dev.tessera.identity.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a user may do; the lower-case name is the value of the token's {@code roles} claim. */
public enum Role {
  USER,
  ADMIN;

  /** The claim value, e.g. {@code admin}. */
  public String claim() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the stored form, a comma-separated list of claim values. */
  public static List<Role> parse(String stored) {
    return Arrays.stream(stored.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> Role.valueOf(s.toUpperCase(Locale.ROOT)))
        .toList();
  }

  /** The stored form of {@code roles}. */
  public static String format(List<Role> roles) {
    return String.join(",", roles.stream().map(Role::claim).toList());
  }
}
