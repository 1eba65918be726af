package dev.tessera.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PageCursorTest {

  @Test
  void a_cursor_survives_its_opaque_form_to_the_microsecond() {
    var cursor = new PageCursor(Instant.now().truncatedTo(ChronoUnit.MICROS), UUID.randomUUID());
    assertThat(PageCursor.decode(cursor.encode())).contains(cursor);
  }

  @Test
  void text_this_service_did_not_issue_is_no_cursor() {
    // Tried: not base64, base64 of junk, a wrong version, a bad UUID, a bad number.
    for (String junk :
        new String[] {
          "%%%",
          "bm90LWEtY3Vyc29y",
          encode("v2:1:" + UUID.randomUUID()),
          encode("v1:1:not-a-uuid"),
          encode("v1:x:" + UUID.randomUUID())
        }) {
      assertThat(PageCursor.decode(junk)).as(junk).isEmpty();
    }
  }

  private static String encode(String plain) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes());
  }
}
