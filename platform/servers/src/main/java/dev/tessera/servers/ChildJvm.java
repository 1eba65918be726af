package dev.tessera.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server running in a JVM of its own, on the server-runtime classpath. */
final class ChildJvm {

  /** Tells the child to exit when this JVM's end closes its stdin (see the runtime's watcher). */
  static final String EXIT_WITH_PARENT = "tessera.exitWithParent";

  private final String name;
  private final String mainClass;
  private final List<String> jvmOptions;
  private final List<String> arguments;
  private final Path workingDirectory;
  private final Path logFile;
  private Process process;
  private OutputStream stdin;

  ChildJvm(
      String name,
      String mainClass,
      List<String> jvmOptions,
      List<String> arguments,
      Path workingDirectory,
      Path logFile) {
    this.name = name;
    this.mainClass = mainClass;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.arguments = List.copyOf(arguments);
    this.workingDirectory = workingDirectory;
    this.logFile = logFile;
  }

  void start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-D" + EXIT_WITH_PARENT + "=true");
    command.add("-cp");
    command.add(ServerRuntime.classpath());
    command.add(mainClass);
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> environment = builder.environment();
    // A coverage or debug agent meant for the test JVM must not be attached to the servers.
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.remove("JDK_JAVA_OPTIONS");
    environment.remove("CLASSPATH");
    process = builder.start();
    // stdin stays an open pipe for as long as this JVM lives: its end is the child's signal.
    stdin = process.getOutputStream();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** SIGTERM, so the server's own shutdown hook runs; SIGKILL if it has not exited by then. */
  void stop(Duration grace) throws InterruptedException {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        System.getLogger(ChildJvm.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "{0} did not stop within {1}; killing it",
                name,
                grace);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
    closeStdin();
    process = null;
  }

  private void closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      // The child is gone; its pipe may already be broken.
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed; returns once it is gone. */
  void kill() throws Exception {
    if (process == null) {
      return;
    }
    LocalServer.killTree(process.toHandle());
    closeStdin();
    process = null;
  }

  String describeExit() {
    return name
        + " exited with code "
        + process.exitValue()
        + "; last lines of "
        + logFile
        + ":\n"
        + Directories.tail(logFile, 40);
  }
}
