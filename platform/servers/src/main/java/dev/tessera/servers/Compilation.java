package dev.tessera.servers;

import java.util.ArrayList;
import java.util.List;

/** How the JIT of the Kafka and Kafka Connect JVMs compiles: for a quick start or for load. */
public enum Compilation {

  /**
   * C1 only: about half the start time. Tests send a few hundred records; C2's peak throughput
   * would not pay for its compile time there.
   */
  QUICK_START(List.of("-XX:TieredStopAtLevel=1")),

  /**
   * The JVM's default tiered compilation up to C2: a slower start, then less CPU per record under
   * sustained load (figures in {@code docs/benchmarks.md}, order saga).
   */
  SUSTAINED_LOAD(List.of());

  private final List<String> jvmOptions;

  Compilation(List<String> jvmOptions) {
    this.jvmOptions = jvmOptions;
  }

  /** {@code base} followed by the options that select this compilation. */
  List<String> after(List<String> base) {
    List<String> options = new ArrayList<>(base);
    options.addAll(jvmOptions);
    return List.copyOf(options);
  }
}
