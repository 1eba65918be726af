package dev.tessera.servers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * PostgreSQL from zonky's embedded binaries (version 17), run by {@code pg_ctl} as a process of its
 * own, set up for Debezium: {@code wal_level=logical}, replication slots and WAL senders, and
 * {@code synchronous_commit=on}.
 *
 * <p>TCP connections need a password (SCRAM), so the per-service roles made by {@link
 * #createDatabase} mean something; there is no Unix socket, so nothing is written to {@code /tmp}.
 */
public final class LocalPostgres extends LocalServer implements Postgres {

  /** The superuser. Only reachable on loopback; a local-use default, like the rest of the set. */
  public static final Credentials SUPERUSER = new Credentials("postgres", "postgres");

  /** System property naming the cache directory; default {@code ~/.cache/tessera}. */
  public static final String CACHE_PROPERTY = "tessera.cache.dir";

  /**
   * The physical replication slot a standby streams from: it keeps the WAL the standby has not
   * received yet, and it is what {@code synchronized_standby_slots} names on the primary.
   */
  public static final String STANDBY_SLOT = "tessera_standby";

  private final int port = FreePorts.next();
  private final StandbyOf standbyOf;
  private EmbeddedPostgres postgres;

  /** A server that keeps its cluster in {@code directory}; deleted on close unless kept. */
  public LocalPostgres(Path directory, boolean keepData) {
    this("postgres", directory, keepData, null);
  }

  private LocalPostgres(String name, Path directory, boolean keepData, StandbyOf standbyOf) {
    super(name, directory, keepData);
    this.standbyOf = standbyOf;
  }

  /**
   * A hot standby of {@code primary} that streams its WAL through the physical slot {@value
   * #STANDBY_SLOT}: on its first start it is cloned from the running primary with the low-level
   * backup API ({@code pg_backup_start}, a file copy, {@code pg_backup_stop}'s backup label), as
   * zonky's bundle has no {@code pg_basebackup}. It serves read-only queries, keeps {@code
   * hot_standby_feedback} on and synchronizes the primary's failover logical slots ({@code
   * sync_replication_slots}), so that after {@link #promote()} Debezium resumes where it was.
   *
   * @param applyDelay {@code recovery_min_apply_delay}: how long it waits before it applies a
   *     commit (zero in production; tests use it to make replication lag visible)
   */
  public static LocalPostgres standbyOf(
      LocalPostgres primary, Path directory, boolean keepData, Duration applyDelay) {
    if (primary.standbyOf != null) {
      throw new IllegalArgumentException("a standby of a standby is not supported here");
    }
    return new LocalPostgres(
        "postgres-standby", directory, keepData, new StandbyOf(primary, applyDelay));
  }

  private record StandbyOf(LocalPostgres primary, Duration applyDelay) {}

  @Override
  public String host() {
    return "localhost";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Credentials superuser() {
    return SUPERUSER;
  }

  /** The value of a server setting, e.g. {@code wal_level}, as {@code SHOW} reports it. */
  public String setting(String name) {
    try (Connection c = connectAsSuperuser("postgres");
        Statement s = c.createStatement();
        var r = s.executeQuery("select current_setting('" + name.replace("'", "''") + "')")) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read setting " + name, e);
    }
  }

  @Override
  protected void doStart() throws Exception {
    Path data = directory().resolve("data");
    Path log = directory().resolve("postgres.log");
    Path passwordFile = directory().resolve("superuser.pw");
    boolean fresh = !Files.exists(data.resolve("postgresql.conf"));
    boolean cloned = fresh && standbyOf != null;
    if (cloned) {
      cloneFromPrimary(data);
      fresh = false;
    }
    if (fresh) {
      Files.writeString(passwordFile, SUPERUSER.password());
    }
    // zonky always creates java.io.tmpdir/embedded-pg, even when told to work elsewhere.
    Path zonkyParent = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
    boolean zonkyParentExisted = Files.exists(zonkyParent);
    try {
      // zonky writes its binaries in place the first time it uses a cache: see TextFileBusy.
      postgres = TextFileBusy.retry(() -> startZonky(data, log, passwordFile));
    } finally {
      Files.deleteIfExists(passwordFile);
      if (!zonkyParentExisted) {
        deleteIfEmpty(zonkyParent);
      }
    }
    if (standbyOf != null && !cloned) {
      followPrimary();
    }
    if (fresh && standbyOf == null) {
      try (Connection c = connectAsSuperuser("postgres");
          Statement s = c.createStatement()) {
        // Service roles reach their own database only, not even this maintenance one.
        s.execute("revoke connect on database postgres from public");
      }
    }
  }

  private EmbeddedPostgres startZonky(Path data, Path log, Path passwordFile) throws IOException {
    // A standby gets zonky's defaults too: it refuses to start with fewer connections, WAL senders
    // or slots than its primary.
    return EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(data)
        // We delete the directory ourselves, and only when it is not to be kept.
        .setCleanDataDirectory(false)
        // Ours (LocalServer's) stops it; two hooks racing would delete the data under it.
        .setRegisterShutdownHook(false)
        .setOverrideWorkingDirectory(binariesCache().toFile())
        // initdb's own options (zonky adds "-A trust" first; later options win).
        .setLocaleConfig("auth-host", "scram-sha-256")
        .setLocaleConfig("pwfile", passwordFile.toString())
        .setConnectConfig("password", SUPERUSER.password())
        .setServerConfig("wal_level", "logical")
        .setServerConfig("max_replication_slots", "20")
        .setServerConfig("max_wal_senders", "20")
        // A standby's slot may then lag behind a logical slot without the primary removing the
        // rows (catalog tuples) that decoding on the promoted standby needs.
        .setServerConfig("hot_standby_feedback", "on")
        // zonky's default "off" hides fresh WAL from logical decoding for up to ~200 ms.
        .setServerConfig("synchronous_commit", "on")
        // Durability against power loss is not needed here; a process crash loses nothing.
        .setServerConfig("fsync", "off")
        .setServerConfig("unix_socket_directories", "''")
        .setServerConfig("listen_addresses", "localhost")
        // Every statement's calls and time, as most managed PostgreSQL services keep them: what the
        // saga benchmark reports per order. It adds a little to every statement, here as there.
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  /** Whether this server was made by {@link #standbyOf} (whether or not it was promoted since). */
  public boolean isStandby() {
    return standbyOf != null;
  }

  /** {@code pg_is_in_recovery()}: true while this server is a standby that was not promoted. */
  public boolean inRecovery() {
    return queryAsSuperuser("select pg_is_in_recovery()", r -> r.getBoolean(1));
  }

  /**
   * Where this server's WAL is: on a primary {@code pg_current_wal_lsn()}, on a standby {@code
   * pg_last_wal_replay_lsn()} (what its queries see).
   */
  public String walLsn() {
    return queryAsSuperuser(
        "select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn()"
            + " else pg_current_wal_lsn() end)::text",
        r -> r.getString(1));
  }

  /**
   * How far this standby's replay is behind its primary, in bytes of WAL (received but not
   * replayed, or not received yet); {@code -1} when either server does not answer.
   */
  public long replayLagBytes() {
    if (standbyOf == null) {
      return 0;
    }
    try {
      String primaryLsn = standbyOf.primary().walLsn();
      return queryAsSuperuser(
          "select greatest(0, pg_wal_lsn_diff('" + primaryLsn + "', pg_last_wal_replay_lsn()))",
          r -> r.getLong(1));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Promotes this standby to a primary ({@code pg_promote}), waiting until it accepts writes; its
   * synchronized failover slots become usable logical slots.
   */
  public void promote() {
    if (!queryAsSuperuser("select pg_promote(true, 60)", r -> r.getBoolean(1))) {
      throw new IllegalStateException(name() + " did not finish promotion within 60 s");
    }
  }

  /**
   * Makes logical walsenders of this primary wait for {@code standby}: a change reaches Debezium
   * only once the standby has received it ({@code synchronized_standby_slots}), so a failover slot
   * on the promoted standby is never behind what Kafka already has. The price: while the standby is
   * down, the outbox is not streamed.
   */
  public void synchronizeStandbySlots(boolean on) {
    try (Connection c = connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("alter system set synchronized_standby_slots = '" + (on ? STANDBY_SLOT : "") + "'");
      s.execute("select pg_reload_conf()");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set synchronized_standby_slots", e);
    }
  }

  private interface RowReader<T> {
    T read(java.sql.ResultSet row) throws SQLException;
  }

  private <T> T queryAsSuperuser(String sql, RowReader<T> reader) {
    try (Connection c = connectAsSuperuser("postgres");
        Statement s = c.createStatement();
        var r = s.executeQuery(sql)) {
      r.next();
      return reader.read(r);
    } catch (SQLException e) {
      throw new IllegalStateException(name() + ": " + sql + " failed", e);
    }
  }

  /**
   * A base backup of the running primary without {@code pg_basebackup}: {@code pg_backup_start}, a
   * copy of its data directory (less what a backup leaves out), and the label {@code
   * pg_backup_stop} returns, in the same session. Then the standby's own settings.
   */
  private void cloneFromPrimary(Path data) throws IOException, SQLException {
    LocalPostgres primary = standbyOf.primary();
    Path source = primary.directory().resolve("data");
    try (Connection c = primary.connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute(
          "select pg_create_physical_replication_slot('"
              + STANDBY_SLOT
              + "', true) where not exists (select 1 from pg_replication_slots where slot_name = '"
              + STANDBY_SLOT
              + "')");
      s.execute("select pg_backup_start('tessera-standby', true)");
      String label;
      try {
        copyForBackup(source, data);
      } finally {
        try (var r = s.executeQuery("select labelfile from pg_backup_stop(true)")) {
          r.next();
          label = r.getString(1);
        }
      }
      Files.writeString(data.resolve("backup_label"), label);
    }
    // Postgres refuses a data directory that others can read.
    Files.setPosixFilePermissions(
        data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.writeString(data.resolve("standby.signal"), "");
    // Settings with spaces cannot go through pg_ctl's -o: postgresql.auto.conf holds them. The
    // password is the local superuser's default, like the rest of this machine-local set.
    List<String> settings = new ArrayList<>();
    settings.add("primary_conninfo = '" + primaryConninfo() + "'");
    settings.add("primary_slot_name = '" + STANDBY_SLOT + "'");
    settings.add("sync_replication_slots = on");
    settings.add("synchronized_standby_slots = ''");
    settings.add("recovery_min_apply_delay = '" + standbyOf.applyDelay().toMillis() + "ms'");
    Files.writeString(
        data.resolve("postgresql.auto.conf"),
        "\n" + String.join("\n", settings) + "\n",
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** How this standby reaches its primary (the primary's port is new at every start). */
  private String primaryConninfo() {
    return "host=localhost port="
        + standbyOf.primary().port()
        + " user="
        + SUPERUSER.username()
        + " password="
        + SUPERUSER.password()
        + " dbname=postgres application_name="
        + STANDBY_SLOT;
  }

  /**
   * Points a kept standby at its primary as it runs now: every start takes new ports, and the
   * primary's port in {@code primary_conninfo} is the one of the start that cloned it. A standby
   * that cannot reach its primary does not only fall behind: the primary's logical walsenders wait
   * for it ({@code synchronized_standby_slots}), so no outbox change would reach Kafka. A standby
   * promoted since is a primary of its own and has none.
   */
  private void followPrimary() throws SQLException {
    if (!inRecovery()) {
      return;
    }
    try (Connection c = connectAsSuperuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("alter system set primary_conninfo = '" + primaryConninfo() + "'");
      s.execute("select pg_reload_conf()");
    }
  }

  private static void copyForBackup(Path source, Path target) throws IOException {
    // What pg_basebackup leaves out too: the running server's own state and the WAL (streamed
    // from the slot instead), replication slots, temporary statistics; and zonky's lock file.
    List<String> skipFiles =
        List.of("postmaster.pid", "postmaster.opts", "epg-lock", "backup_label", "tablespace_map");
    List<String> emptyDirs =
        List.of(
            "pg_wal",
            "pg_replslot",
            "pg_stat_tmp",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_subtrans");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path relative = source.relativize(from);
        Path to = target.resolve(relative.toString());
        if (relative.getNameCount() == 0) {
          Files.createDirectories(to);
          continue;
        }
        String top = relative.getName(0).toString();
        if (relative.getNameCount() == 1 && skipFiles.contains(top)) {
          continue;
        }
        if (emptyDirs.contains(top) && relative.getNameCount() > 1) {
          continue;
        }
        try {
          if (Files.isDirectory(from)) {
            Files.createDirectories(to);
          } else {
            Files.copy(from, to);
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // Removed while we copied (a temporary file of the running server): WAL replay
          // recreates whatever was needed.
        }
      }
    }
  }

  @Override
  protected void doStop() throws IOException {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  /**
   * SIGKILL to the postmaster and every backend at once; the restart then runs crash recovery from
   * the WAL, as after a node failure.
   */
  @Override
  protected void doKill() throws Exception {
    if (postgres == null) {
      return;
    }
    // pg_ctl daemonizes the postmaster, so it is no child of ours: its pid is in its lock file.
    Path pidFile = directory().resolve("data").resolve("postmaster.pid");
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
    if (postmaster.isPresent()) {
      killTree(postmaster.get());
    }
    // Releases zonky's lock on the data directory; its "pg_ctl stop" fails (and logs so): the
    // server is already gone.
    postgres.close();
    postgres = null;
  }

  /**
   * Where zonky extracts the binaries (60 MB, 2–3 s of XZ in Java): a cache that outlives the run,
   * shared by every test JVM and the launcher, outside java.io.tmpdir. zonky keys it by the
   * archive's digest and locks it while extracting, so concurrent JVMs are safe.
   */
  static Path binariesCache() {
    return Directories.create(cacheDirectory().resolve("embedded-postgres"));
  }

  /** The machine's cache of extracted server binaries: {@value #CACHE_PROPERTY} or ~/.cache. */
  static Path cacheDirectory() {
    String configured = System.getProperty(CACHE_PROPERTY);
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "tessera");
  }

  private static void deleteIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Not empty: another embedded Postgres of this machine uses it.
    }
  }
}
