package dev.tessera.billing.api;

import dev.tessera.web.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A keyset position in a user's invoices: the last one's issue time and id, opaque to clients.
 *
 * @param issuedAt issue time of the last invoice seen
 * @param id id of the last invoice seen
 */
record InvoiceCursor(Instant issuedAt, UUID id) {

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((issuedAt + "|" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a cursor; 400 on anything this service did not hand out. */
  static InvoiceCursor decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = text.indexOf('|');
      if (bar < 0) {
        throw new IllegalArgumentException("no separator");
      }
      return new InvoiceCursor(
          Instant.parse(text.substring(0, bar)), UUID.fromString(text.substring(bar + 1)));
    } catch (RuntimeException e) {
      throw ProblemException.invalidField("cursor", "is not a cursor this service issued");
    }
  }
}
