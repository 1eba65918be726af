package dev.tessera.notifications.api;

import dev.tessera.notifications.persistence.PagePosition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The opaque {@code cursor} of notification pages: the position of a page's last item, so the next
 * page is a keyset query rather than an offset that shifts as notifications arrive.
 */
final class CursorCodec {

  private CursorCodec() {}

  static String encode(PagePosition position) {
    String plain = position.createdAt() + "|" + position.id();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The position in {@code cursor}; empty when it is not one this API wrote. */
  static Optional<PagePosition> decode(String cursor) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = plain.indexOf('|');
      if (bar < 0) {
        return Optional.empty();
      }
      return Optional.of(
          new PagePosition(
              Instant.parse(plain.substring(0, bar)), UUID.fromString(plain.substring(bar + 1))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
