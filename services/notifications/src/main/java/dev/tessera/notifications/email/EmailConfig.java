package dev.tessera.notifications.email;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How e-mails are sent and retried ({@code tessera.notifications.email.*}). */
@ConfigMapping(prefix = "tessera.notifications.email")
public interface EmailConfig {

  /** How often the retry job looks for due e-mails (read by {@code @Scheduled} too). */
  @WithDefault("5s")
  Duration pollInterval();

  /** At most this many e-mails are claimed at once. */
  @WithDefault("20")
  int batchSize();

  /** How long a claimed e-mail stays with its sender before another may take it over. */
  @WithDefault("60s")
  Duration lease();

  /** Longest wait for the SMTP server to accept one e-mail. */
  @WithDefault("20s")
  Duration sendTimeout();

  /** Delay after the first failed attempt; it doubles with each further one. */
  @WithDefault("10s")
  Duration initialBackoff();

  /** Upper bound of the delay between two attempts. */
  @WithDefault("15m")
  Duration maxBackoff();

  /** Attempts in all before an e-mail is given up (status {@code failed}). */
  @WithDefault("12")
  int maxAttempts();

  /** How often an e-mail whose recipient is not known yet is looked at again. */
  @WithDefault("60s")
  Duration recipientRecheck();
}
