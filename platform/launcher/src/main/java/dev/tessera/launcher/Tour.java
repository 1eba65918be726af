package dev.tessera.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The curl tour of the API that {@code ./tessera up} prints and the README shows: one text, so the
 * two cannot drift apart (a test compares the README with it, and another runs it).
 */
public final class Tour {

  /** The gateway URL as the README gives it: the default port of {@code ./tessera up}. */
  public static final String README_GATEWAY = "http://localhost:8080";

  private static final String FIRST_LINE = "G=" + README_GATEWAY + "\n";

  private Tour() {}

  /** The tour's shell lines for a system whose gateway answers at {@code gatewayUrl}. */
  public static String forGateway(String gatewayUrl) {
    String text = read();
    if (!text.startsWith(FIRST_LINE)) {
      throw new IllegalStateException("tour.sh must start with " + FIRST_LINE.strip());
    }
    return "G=" + gatewayUrl + "\n" + text.substring(FIRST_LINE.length());
  }

  private static String read() {
    try (InputStream in = Tour.class.getResourceAsStream("tour.sh")) {
      if (in == null) {
        throw new IllegalStateException("tour.sh missing from the launcher's classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
