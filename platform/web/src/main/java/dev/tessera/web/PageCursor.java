package dev.tessera.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Position in a list newest first, for keyset pagination: the (created at, id) of the last item of
 * a page, so the next page is {@code where (created_at, id) < (?, ?)} rather than an offset that
 * shifts as items arrive. Clients get it as an opaque string; its format may change without notice.
 *
 * @param createdAt creation time of the last item seen (microsecond precision, as stored)
 * @param id id of the last item seen, which breaks ties between equal times
 */
public record PageCursor(Instant createdAt, UUID id) {

  private static final String VERSION = "v1";

  /** The opaque form given to clients. */
  public String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
    String plain = VERSION + ":" + micros + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of an opaque string; empty if it is not one this service issued. */
  public static Optional<PageCursor> decode(String opaque) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(opaque), StandardCharsets.UTF_8);
      String[] parts = plain.split(":", -1);
      if (parts.length != 3 || !parts[0].equals(VERSION)) {
        return Optional.empty();
      }
      Instant at = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
      return Optional.of(new PageCursor(at, UUID.fromString(parts[2])));
    } catch (IllegalArgumentException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
