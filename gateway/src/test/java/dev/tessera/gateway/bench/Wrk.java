package dev.tessera.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} as a child process and reads its summary. */
final class Wrk {

  /** Where Debian's {@code wrk} package installs it. */
  static final String BINARY = "/usr/bin/wrk";

  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  private static final Pattern TOTAL =
      Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m|h),");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  // The shell's `times` after wrk exits: its own user/system time, then its children's (wrk's).
  private static final Pattern TIMES =
      Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s\\s*$");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  /** How hard to push. */
  record Load(int threads, int connections, int seconds) {

    /** E.g. {@code 32 connections, 2 threads}. */
    String describe() {
      return connections + " conn, " + threads + (threads == 1 ? " thread" : " threads");
    }
  }

  /**
   * One run's summary.
   *
   * @param requests responses received
   * @param seconds how long the run took
   * @param requestsPerSecond wrk's {@code Requests/sec}
   * @param p50Millis median latency
   * @param p99Millis 99th percentile latency
   * @param errors non-2xx/3xx responses plus socket errors (connect, read, write, timeout)
   * @param cpuSeconds CPU time wrk itself used (user + system)
   * @param output wrk's own output
   */
  record Result(
      long requests,
      double seconds,
      double requestsPerSecond,
      double p50Millis,
      double p99Millis,
      long errors,
      double cpuSeconds,
      String output) {}

  private Wrk() {}

  /** {@code GET url} with {@code Authorization: Bearer <token>} under {@code load}. */
  static Result run(String url, String token, Load load) {
    List<String> command = new ArrayList<>();
    // Through a shell only to learn wrk's CPU time (`times`), which the load it causes is part of.
    command.add("/bin/sh");
    command.add("-c");
    command.add("\"$0\" \"$@\"; status=$?; times; exit $status");
    command.add(BINARY);
    command.add("-t" + load.threads());
    command.add("-c" + load.connections());
    command.add("-d" + load.seconds() + "s");
    // A stalled response then shows in the percentiles (and a real hang still fails the run).
    command.add("--timeout");
    command.add("10s");
    command.add("--latency");
    command.add("-H");
    command.add("Authorization: Bearer " + token);
    command.add(url);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + BINARY, e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process));
    try {
      if (!process.waitFor(load.seconds() + 60L, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("wrk did not finish: " + url);
      }
      String text = output.get(10, TimeUnit.SECONDS);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("wrk failed (" + process.exitValue() + "):\n" + text);
      }
      return parse(text);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot read wrk's output", e);
    }
  }

  /** Reads wrk's summary (as printed with {@code --latency}). */
  static Result parse(String text) {
    Matcher total = find(TOTAL, text);
    long errors = 0;
    Matcher non2xx = NON_2XX.matcher(text);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(text);
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    return new Result(
        Long.parseLong(total.group(1)),
        millis(total.group(2), total.group(3)) / 1000d,
        Double.parseDouble(find(RATE, text).group(1)),
        percentile(text, "50%"),
        percentile(text, "99%"),
        errors,
        cpuSeconds(text),
        text);
  }

  private static double cpuSeconds(String text) {
    String[] lines = text.strip().split("\n");
    Matcher m = TIMES.matcher(lines[lines.length - 1]);
    if (!m.find()) {
      return Double.NaN;
    }
    return Long.parseLong(m.group(1)) * 60
        + Double.parseDouble(m.group(2))
        + Long.parseLong(m.group(3)) * 60
        + Double.parseDouble(m.group(4));
  }

  private static double percentile(String text, String which) {
    Matcher m =
        find(
            Pattern.compile(
                "^\\s+" + Pattern.quote(which) + "\\s+([\\d.]+)(us|ms|s|m|h)\\s*$",
                Pattern.MULTILINE),
            text);
    return millis(m.group(1), m.group(2));
  }

  private static double millis(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "us" -> v / 1000d;
      case "ms" -> v;
      case "s" -> v * 1000d;
      case "m" -> v * 60_000d;
      case "h" -> v * 3_600_000d;
      default -> throw new IllegalArgumentException("unit " + unit);
    };
  }

  private static Matcher find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + pattern + " in wrk's output:\n" + text);
    }
    return m;
  }

  private static String read(Process process) {
    try (InputStream in = process.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }
}
