package dev.tessera.e2e;

import dev.tessera.servers.Postgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgbench (Debian's PostgreSQL 15 client) against the system's own PostgreSQL, in a scratch
 * database of its own: one transaction with an insert shaped like an {@code orders} row and one
 * shaped like an {@code outbox} row. What the database alone does with the two writes that an order
 * placement must make; {@link #close()} drops the scratch database.
 */
final class PgBench implements AutoCloseable {

  /** Where Debian's {@code postgresql-15} package puts pgbench. */
  static final Path BINARY = Path.of("/usr/lib/postgresql/15/bin/pgbench");

  /** The scratch database: not the orders database, so nothing of the system is touched. */
  static final String DATABASE = "bench_scratch";

  private static final Pattern TPS = Pattern.compile("(?m)^tps = ([0-9.]+) \\(without");
  private static final Pattern LATENCY = Pattern.compile("(?m)^latency average = ([0-9.]+) ms");
  private static final Pattern PROCESSED =
      Pattern.compile("(?m)^number of transactions actually processed: ([0-9]+)");
  private static final Pattern FAILED =
      Pattern.compile("(?m)^number of failed transactions: ([0-9]+)");

  // The same columns, keys and index as services/orders' V1__orders.sql and the platform's outbox.
  private static final List<String> SCHEMA =
      List.of(
          "create table orders (id uuid primary key, user_id uuid not null,"
              + " status varchar(20) not null"
              + " check (status in ('PENDING_PAYMENT', 'CONFIRMED', 'CANCELLED')),"
              + " lines text not null, total_amount bigint not null check (total_amount >= 0),"
              + " currency char(3) not null, created_at timestamptz not null,"
              + " updated_at timestamptz not null, payment_id uuid, cancel_reason varchar(64),"
              + " version bigint not null default 0)",
          "create index orders_user_newest on orders (user_id, created_at desc, id desc)",
          "create table outbox (id uuid primary key, aggregatetype varchar(255) not null,"
              + " aggregateid varchar(255) not null, type varchar(255) not null,"
              + " payload jsonb not null, traceparent varchar(55),"
              + " created_at timestamptz not null default now())");

  private final Postgres postgres;
  private final Path script;

  private PgBench(Postgres postgres, Path script) {
    this.postgres = postgres;
    this.script = script;
  }

  /** Whether pgbench is installed where Debian puts it. */
  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Creates the scratch database and the script.
   *
   * @param lines the {@code lines} text of a real order, so the row has the real size
   * @param payload a JSON document shaped and sized like a real {@code OrderPlaced}
   */
  static PgBench create(Postgres postgres, Path workDirectory, String lines, String payload) {
    try (Connection c = postgres.connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("drop database if exists " + DATABASE + " with (force)");
      s.execute("create database " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the scratch database", e);
    }
    try (Connection c = postgres.connectAsSuperuser(DATABASE);
        Statement s = c.createStatement()) {
      for (String ddl : SCHEMA) {
        s.execute(ddl);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the scratch tables", e);
    }
    // Four users, like the benchmark's; ids drawn on the server, as the service draws its own.
    String text =
        String.join(
            "\n",
            "\\set u random(100000000001, 100000000004)",
            "BEGIN;",
            "INSERT INTO orders (id, user_id, status, lines, total_amount, currency, created_at,"
                + " updated_at) VALUES (gen_random_uuid(),"
                + " ('00000000-0000-4000-8000-' || :u)::uuid, 'PENDING_PAYMENT', "
                + literal(lines)
                + ", 1290, 'EUR', now(), now());",
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, traceparent)"
                + " VALUES (gen_random_uuid(), 'order', gen_random_uuid()::text, 'OrderPlaced', "
                + literal(payload)
                + "::jsonb, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');",
            "END;",
            "");
    try {
      Files.createDirectories(workDirectory);
      Path script = workDirectory.resolve("order-placement.sql");
      Files.writeString(script, text, StandardCharsets.UTF_8);
      return new PgBench(postgres, script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What one pgbench run gave. */
  record Result(int clients, double tps, double latencyAverageMs, long transactions) {}

  /** {@code pgbench -n -f script -c clients -j min(clients, 2) -T seconds}. */
  Result run(int clients, Duration duration) {
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    command.addAll(
        List.of(
            "-n",
            "-h",
            postgres.host(),
            "-p",
            Integer.toString(postgres.port()),
            "-U",
            postgres.superuser().username(),
            "-f",
            script.toString(),
            "-c",
            Integer.toString(clients),
            "-j",
            Integer.toString(Math.min(clients, 2)),
            "-T",
            Long.toString(duration.toSeconds()),
            DATABASE));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", postgres.superuser().password());
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("pgbench did not finish:\n" + output);
      }
      if (process.exitValue() != 0 || number(FAILED, output, 0) != 0) {
        throw new IllegalStateException(
            "pgbench failed (exit " + process.exitValue() + "):\n" + output);
      }
      return new Result(
          clients,
          number(TPS, output, -1),
          number(LATENCY, output, -1),
          (long) number(PROCESSED, output, -1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Rows pgbench wrote to each scratch table: proof that the script did what it says. */
  long[] rowCounts() {
    try (Connection c = postgres.connectAsSuperuser(DATABASE);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select (select count(*) from orders), (select count(*) from outbox"
                    + " where payload ->> 'orderId' is not null)")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2)};
    } catch (SQLException e) {
      throw new IllegalStateException("could not count the scratch rows", e);
    }
  }

  @Override
  public void close() {
    try (Connection c = postgres.connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("drop database if exists " + DATABASE + " with (force)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop the scratch database", e);
    }
  }

  /**
   * An escape-string literal whose colons are written {@code \x3a}: pgbench would take a colon
   * followed by a letter or digit (a time, {@code "quantity":1}) for one of its variables.
   */
  private static String literal(String text) {
    return "E'" + text.replace("\\", "\\\\").replace("'", "''").replace(":", "\\x3a") + "'";
  }

  private static double number(Pattern pattern, String output, double absent) {
    Matcher m = pattern.matcher(output);
    if (m.find()) {
      return Double.parseDouble(m.group(1));
    }
    if (absent < 0) {
      throw new IllegalStateException("pgbench printed no " + pattern + ":\n" + output);
    }
    return absent;
  }
}
