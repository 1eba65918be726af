package dev.tessera.billing.provider;

import java.util.Locale;
import java.util.Optional;

/** Fault flags of the simulated provider, set at run time by an admin. */
public enum ProviderMode {
  /** Answers after its normal latency. */
  HEALTHY,
  /** Answers, but later than billing's timeout. */
  SLOW,
  /** Answers every call with a transient error. */
  FAILING,
  /** Refuses connections. */
  DOWN;

  /** The mode's name as the API shows it: {@code healthy}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code label} ({@code healthy}, {@code slow}, …), if any. */
  public static Optional<ProviderMode> fromLabel(String label) {
    for (ProviderMode mode : values()) {
      if (mode.label().equals(label)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
