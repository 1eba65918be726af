package dev.tessera.shardmover;

import dev.tessera.sharding.NamedDatabase;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ShardMoveTool move <first>-<last> <target>}: moves a range of the orders shards to the
 * database named {@code target}, online, from the one whose leases own it ({@link ShardMover}). Run
 * from the orders image, like the migration tool, and configured from the same environment:
 *
 * <ul>
 *   <li>{@code QUARKUS_DATASOURCE_JDBC_URL}, {@code QUARKUS_DATASOURCE_USERNAME}, {@code
 *       QUARKUS_DATASOURCE_PASSWORD}: the home database, named {@code orders};
 *   <li>{@code TESSERA_SHARDING_DATABASES}: the others, comma-separated {@code
 *       name=postgresql://host:port/dbname}, reached with the same credentials.
 * </ul>
 *
 * <p>It always waits for the source's outbox connector ({@code tessera_<source>_outbox}) and never
 * offers the mover's negative controls ({@link Options.Unsafe}). Exit codes: 0 moved, 1 refused or
 * failed (the message says what to do), 2 a usage or configuration error.
 */
public final class ShardMoveTool {

  /** The home database's name in the shard map. */
  public static final String HOME = "orders";

  private static final Pattern RANGE = Pattern.compile("(\\d{1,4})-(\\d{1,4})");
  private static final String USAGE = "usage: ShardMoveTool move <first>-<last> <targetDatabase>";

  private ShardMoveTool() {}

  /** Runs the command; exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs {@code args} with the environment {@code env}; the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length != 3 || !args[0].equals("move")) {
      err.println(USAGE);
      return 2;
    }
    List<Database> databases;
    try {
      databases = databases(env);
    } catch (IllegalArgumentException e) {
      err.println("configuration: " + e.getMessage());
      return 2;
    }
    return move(databases, args[1], args[2], out, err);
  }

  /**
   * Moves the shards {@code range} ({@code first-last}) of {@code databases} to {@code target},
   * printing each phase to {@code out}: what the CLI and {@code ./tessera shards move} run. Returns
   * the exit code.
   */
  public static int move(
      List<Database> databases, String range, String target, PrintStream out, PrintStream err) {
    Matcher shards = RANGE.matcher(range);
    if (!shards.matches()) {
      err.println("not a shard range like 0-511: " + range);
      err.println(USAGE);
      return 2;
    }
    ShardMover mover = new ShardMover(Options.defaults(), printing(out));
    try {
      MoveReport report =
          mover.move(
              databases,
              Integer.parseInt(shards.group(1)),
              Integer.parseInt(shards.group(2)),
              target);
      out.print(report.summary());
      return 0;
    } catch (MoveRefusedException e) {
      err.println("refused: " + e.getMessage());
      return 1;
    } catch (MoveFailedException e) {
      // The message only: a stack trace of a JDBC failure can carry connection settings.
      err.println(e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
  }

  /** The databases the environment names: the home one first. */
  public static List<Database> databases(Map<String, String> env) {
    String username = required(env, "QUARKUS_DATASOURCE_USERNAME");
    String password = required(env, "QUARKUS_DATASOURCE_PASSWORD");
    List<Database> databases = new ArrayList<>();
    databases.add(
        new Database(HOME, required(env, "QUARKUS_DATASOURCE_JDBC_URL"), username, password));
    for (NamedDatabase other :
        NamedDatabase.parseAll(HOME, env.getOrDefault("TESSERA_SHARDING_DATABASES", ""))) {
      databases.add(new Database(other.name(), other.jdbcUrl(), username, password));
    }
    return List.copyOf(databases);
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value;
  }

  private static MoveListener printing(PrintStream out) {
    return new MoveListener() {
      @Override
      public void starting(Phase phase) {
        out.println("... " + phase);
      }

      @Override
      public void finished(Phase phase, Duration took, String detail) {
        out.printf("%-24s %7d ms  %s%n", phase, took.toMillis(), detail);
      }
    };
  }
}
