package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repository's own commands ({@code ./tessera}, {@code ./mvnw}, {@code git}) in a
 * directory, as a developer would in a shell. Maven runs offline: everything a test builds, this
 * build resolved already.
 */
final class Commands {

  private final Path directory;
  private final Duration timeout;

  Commands(Path directory, Duration timeout) {
    this.directory = directory;
    this.timeout = timeout;
  }

  /** What a command printed (standard output and error) and how it exited. */
  record Result(int exit, String output) {}

  /** Runs {@code command}; returns its output, or fails with it. */
  String run(String... command) {
    Result result = execute(command);
    assertThat(result.exit()).as("%s:%n%s", String.join(" ", command), result.output()).isZero();
    return result.output();
  }

  /** Runs {@code command}, which must fail; returns its output. */
  String runExpectingFailure(String... command) {
    Result result = execute(command);
    assertThat(result.exit()).as("%s:%n%s", String.join(" ", command), result.output()).isNotZero();
    return result.output();
  }

  /** Runs {@code command} and returns how it ended, whatever that was. */
  Result execute(String... command) {
    try {
      Path log = Files.createTempFile("command", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("MAVEN_ARGS", "-o");
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              String.join(" ", command) + " took over " + timeout + ":\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        System.out.println("[" + String.join(" ", command) + "]\n" + tail(output));
        return new Result(process.exitValue(), output);
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }
}
