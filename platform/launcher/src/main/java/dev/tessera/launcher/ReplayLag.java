package dev.tessera.launcher;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The standby's replay lag, as {@code ./tessera status} shows it. */
final class ReplayLag {

  private ReplayLag() {}

  /**
   * {@code replay lag 0 B, last replayed commit 0.4 s ago}, or why it is unknown; {@code
   * postgres://host:port} URLs of the primary and the standby. A standby that does not stream from
   * its primary says so first: the primary's logical walsenders wait for it ({@code
   * synchronized_standby_slots}), so no outbox change reaches Kafka meanwhile.
   */
  static String describe(String primaryUrl, String standbyUrl) {
    try (Connection primary = SuperuserConnections.connect(primaryUrl, "postgres");
        Connection standby = SuperuserConnections.connect(standbyUrl, "postgres")) {
      String primaryLsn = single(primary, "select pg_current_wal_lsn()::text");
      String lag =
          single(
              standby,
              "select pg_size_pretty(greatest(0, pg_wal_lsn_diff('"
                  + primaryLsn
                  + "', pg_last_wal_replay_lsn())))");
      String ago =
          single(
              standby,
              "select coalesce(round(extract(epoch from now() - pg_last_xact_replay_timestamp())"
                  + "::numeric, 1)::text || ' s ago', 'none yet')");
      String recovering = single(standby, "select pg_is_in_recovery()::text");
      if (!"true".equals(recovering)) {
        return "PROMOTED (no longer a standby)";
      }
      String receiver =
          single(
              standby, "select coalesce((select status from pg_stat_wal_receiver), 'not running')");
      String replay = "replay lag " + lag + ", last replayed commit " + ago;
      return "streaming".equals(receiver)
          ? replay
          : "NOT STREAMING from the primary (WAL receiver "
              + receiver
              + "): no outbox change reaches Kafka until it does; "
              + replay;
    } catch (SQLException | RuntimeException e) {
      return "replay lag unknown (" + e.getMessage() + ")";
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
