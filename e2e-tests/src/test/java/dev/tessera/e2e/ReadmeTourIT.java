package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.launcher.TesseraSystem;
import dev.tessera.launcher.Tour;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The README's curl tour, as {@code ./tessera up} prints it, run against the running system. */
class ReadmeTourIT {

  private final TesseraSystem system = WholeSystem.get();

  @Test
  void the_curl_tour_works_as_printed() throws IOException, InterruptedException {
    Assumptions.assumeTrue(onPath("curl"), "curl not installed");
    // As written, with two differences: any HTTP error fails the run at that request, naming it
    // and its answer (curl --fail-with-body; a request inside $(...) would otherwise hand its error
    // body to the next command), and `./tessera mail` and `./tessera trace ID` read the launcher's
    // page of this system (that is all the commands do, trace with the same wait for the trace to
    // settle).
    String script =
        "set -euo pipefail\n"
            + "curl() { local out status=0; out=$(command curl --fail-with-body \"$@\") ||"
            + " status=$?; printf '%s\\n"
            + "' \"$out\"; if [ $status -ne 0 ]; then printf 'FAILED (curl exit %s): curl %s\\n"
            + "%s\\n"
            + "' $status \"$*\" \"$out\" >&2; fi; return $status; }\n"
            + "tessera_trace() { curl -s \""
            + system.mailUrl()
            + "/traces/$1?format=text&wait=15\"; }\n"
            + Tour.forGateway(system.gatewayUrl())
                .replace("./tessera mail", "curl -s " + system.mailUrl() + "/messages")
                .replace("./tessera trace", "tessera_trace");
    Process bash = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    // Read to the end first: the mail page can be more than a pipe's buffer.
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(60, TimeUnit.SECONDS)).as("the tour finished").isTrue();

    assertThat(bash.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("\"TSR-MUG-001\"") // the catalog
        .containsPattern("\"status\":\"(PENDING_PAYMENT|CONFIRMED)\"") // the order placed
        .containsPattern("trace [0-9a-f]{32}") // its trace, as ./tessera trace prints it
        .contains("gateway-1")
        .doesNotContain("\"status\":5"); // no problem document from a server error
  }

  private static boolean onPath(String command) {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
