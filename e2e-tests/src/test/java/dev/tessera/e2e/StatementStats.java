package dev.tessera.e2e;

import dev.tessera.servers.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's own account of the statements it ran over a window ({@code pg_stat_statements},
 * which the local PostgreSQL loads): calls and time per unit of work, by database and statement.
 * The times are the server's wall-clock time in the statement, lock waits included, not its CPU.
 * And the WAL the server wrote over the window ({@code pg_stat_wal}): each write out of the WAL
 * buffers (a synchronous commit's flush, or the WAL writer's) wakes every WAL sender and the
 * standby, whatever it holds.
 */
final class StatementStats {

  private static final String WAL =
      "select wal_write, wal_records, wal_fpi, wal_bytes::float8 from pg_stat_wal";

  private final Postgres postgres;
  private final double[] walBefore;

  private StatementStats(Postgres postgres, double[] walBefore) {
    this.postgres = postgres;
    this.walBefore = walBefore;
  }

  /** Starts a window: every statement's counters back to zero. */
  static StatementStats reset(Postgres postgres) throws SQLException {
    try (Connection c = postgres.connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("create extension if not exists pg_stat_statements");
      s.execute("select pg_stat_statements_reset()");
      return new StatementStats(postgres, wal(c));
    }
  }

  private static double[] wal(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(WAL)) {
      r.next();
      return new double[] {r.getDouble(1), r.getDouble(2), r.getDouble(3), r.getDouble(4)};
    }
  }

  /**
   * The {@code limit} statements that took the most time since {@link #reset}, per {@code unit}
   * (e.g. confirmed orders), with the totals by database first.
   */
  List<String> table(long units, String unit, int limit) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection c = postgres.connectAsSuperuser("postgres")) {
      double[] wal = wal(c);
      lines.add(
          String.format(
              "WAL per %s: %.2f writes, %.1f records, %.2f full-page images, %.1f KiB",
              unit,
              (wal[0] - walBefore[0]) / units,
              (wal[1] - walBefore[1]) / units,
              (wal[2] - walBefore[2]) / units,
              (wal[3] - walBefore[3]) / units / 1024));
      lines.add(String.format("%-14s %9s %9s  statements per %s", "database", "calls", "ms", unit));
      try (PreparedStatement p =
              c.prepareStatement(
                  "select d.datname, sum(s.calls) / ?::float8, sum(s.total_exec_time) / ?::float8"
                      + " from pg_stat_statements s join pg_database d on d.oid = s.dbid"
                      + " group by 1 order by 3 desc");
          ResultSet r = bind(p, units, units).executeQuery()) {
        while (r.next()) {
          lines.add(
              String.format("%-14s %9.2f %9.3f", r.getString(1), r.getDouble(2), r.getDouble(3)));
        }
      }
      lines.add(
          String.format(
              "%-14s %9s %9s %8s  the %d statements with the most time, per %s",
              "database", "calls", "ms", "mean ms", limit, unit));
      try (PreparedStatement p =
              c.prepareStatement(
                  "select d.datname, s.calls / ?::float8, s.total_exec_time / ?::float8,"
                      + " s.mean_exec_time, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 110)"
                      + " from pg_stat_statements s join pg_database d on d.oid = s.dbid"
                      + " order by s.total_exec_time desc limit ?");
          ResultSet r = bind(p, units, units, limit).executeQuery()) {
        while (r.next()) {
          lines.add(
              String.format(
                  "%-14s %9.2f %9.3f %8.3f  %s",
                  r.getString(1), r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getString(5)));
        }
      }
    }
    return lines;
  }

  private static PreparedStatement bind(PreparedStatement p, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      p.setObject(i + 1, values[i]);
    }
    return p;
  }
}
