package dev.tessera.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk (Debian's package) placing orders in a closed loop: each connection sends its next order when
 * the previous one is answered, every request with an Idempotency-Key of its own. A C client on an
 * event loop: on two shared cores it takes far less CPU from the system under test than a JVM
 * client would, and adds no thread hand-offs to the latency.
 */
final class Wrk {

  /** Where Debian's {@code wrk} package installs it. */
  static final Path BINARY = Path.of("/usr/bin/wrk");

  private static final Pattern RESULT =
      Pattern.compile(
          "(?m)^RESULT requests=(\\d+) seconds=([0-9.]+) bad=(\\d+) errors=(\\d+)"
              + " p50=([0-9.]+) p99=([0-9.]+) first_bad=(.*)$");

  private final Path script;

  private Wrk(Path script) {
    this.script = script;
  }

  /** Whether wrk is installed where Debian puts it. */
  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Writes the script: {@code POST /api/orders} with {@code body}, each wrk thread as one of the
   * users (their access tokens), a key of its own per request, and a report of every answer that is
   * not 201.
   */
  static Wrk forOrders(Path workDirectory, List<String> tokens, String body) {
    StringBuilder lua = new StringBuilder();
    lua.append("local tokens = {");
    for (String token : tokens) {
      lua.append('"').append(token).append("\",");
    }
    lua.append("}\n");
    lua.append("local body = ").append(luaString(body)).append('\n');
    lua.append(
        String.join(
            "\n",
            "local threads = {}",
            "function setup(thread)",
            "  table.insert(threads, thread)",
            "  thread:set(\"id\", #threads)",
            "  thread:set(\"token\", tokens[(#threads - 1) % #tokens + 1])",
            "end",
            "function init(args)",
            "  counter = 0",
            "  nonce = args[1] or \"\"",
            "  bad = 0",
            "  first_bad = \"\"",
            "  prefix = string.format(\"wrk-%s-%d-\", nonce, id)",
            "  headers = {[\"Authorization\"] = \"Bearer \" .. token,",
            "    [\"Content-Type\"] = \"application/json\", [\"Accept\"] = \"application/json\"}",
            "end",
            "function request()",
            "  counter = counter + 1",
            "  headers[\"Idempotency-Key\"] = prefix .. counter",
            "  return wrk.format(\"POST\", \"/api/orders\", headers, body)",
            "end",
            "function response(status, headers, body)",
            "  if status ~= 201 then",
            "    bad = bad + 1",
            "    if first_bad == \"\" then",
            "      first_bad = status .. \" \" .. string.gsub(body, \"\\n\", \" \")",
            "    end",
            "  end",
            "end",
            "function done(summary, latency, requests)",
            "  local total_bad, first = 0, \"\"",
            "  for _, t in ipairs(threads) do",
            "    total_bad = total_bad + t:get(\"bad\")",
            "    if first == \"\" then first = t:get(\"first_bad\") end",
            "  end",
            "  local e = summary.errors",
            "  io.write(string.format(",
            "    \"RESULT requests=%d seconds=%.3f bad=%d errors=%d p50=%.1f p99=%.1f"
                + " first_bad=%s\\n\",",
            "    summary.requests, summary.duration / 1e6, total_bad,",
            "    e.connect + e.read + e.write + e.timeout, latency:percentile(50),",
            "    latency:percentile(99), first))",
            "end",
            ""));
    try {
      Files.createDirectories(workDirectory);
      Path script = workDirectory.resolve("place-orders.lua");
      Files.writeString(script, lua, StandardCharsets.UTF_8);
      return new Wrk(script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What one run gave.
   *
   * @param requests answers received (all 201, or {@link #run} throws)
   * @param seconds how long wrk ran
   * @param p50Micros median latency
   * @param p99Micros 99th percentile latency
   */
  record Result(long requests, double seconds, double p50Micros, double p99Micros) {
    double throughput() {
      return requests / seconds;
    }
  }

  /**
   * {@code wrk -t min(clients, 2) -c clients -d duration} against {@code baseUrl}.
   *
   * @throws AssertionError if any answer was not 201, or a request failed or timed out
   */
  Result run(String baseUrl, int clients, Duration duration) {
    List<String> command =
        List.of(
            BINARY.toString(),
            "-t",
            Integer.toString(Math.min(clients, 2)),
            "-c",
            Integer.toString(clients),
            "-d",
            duration.toSeconds() + "s",
            "--timeout",
            "30s",
            "-s",
            script.toString(),
            baseUrl,
            "--",
            // Keys of one run never repeat another run's (that would be a replay, not an order).
            java.util.UUID.randomUUID().toString());
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("wrk did not finish:\n" + output);
      }
      Matcher m = RESULT.matcher(output);
      if (process.exitValue() != 0 || !m.find()) {
        throw new IllegalStateException(
            "wrk failed (exit " + process.exitValue() + "):\n" + output);
      }
      long bad = Long.parseLong(m.group(3));
      long errors = Long.parseLong(m.group(4));
      if (bad > 0 || errors > 0) {
        throw new AssertionError(
            "orders not placed at "
                + clients
                + " clients: "
                + bad
                + " answers not 201 (first: "
                + m.group(7)
                + "), "
                + errors
                + " socket errors or timeouts");
      }
      return new Result(
          Long.parseLong(m.group(1)),
          Double.parseDouble(m.group(2)),
          Double.parseDouble(m.group(5)),
          Double.parseDouble(m.group(6)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String luaString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
