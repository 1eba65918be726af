package dev.tessera.servers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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

  private final int port = FreePorts.next();
  private EmbeddedPostgres postgres;

  /** A server that keeps its cluster in {@code directory}; deleted on close unless kept. */
  public LocalPostgres(Path directory, boolean keepData) {
    super("postgres", directory, keepData);
  }

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
    if (fresh) {
      try (Connection c = connectAsSuperuser("postgres");
          Statement s = c.createStatement()) {
        // Service roles reach their own database only, not even this maintenance one.
        s.execute("revoke connect on database postgres from public");
      }
    }
  }

  private EmbeddedPostgres startZonky(Path data, Path log, Path passwordFile) throws IOException {
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
        // zonky's default "off" hides fresh WAL from logical decoding for up to ~200 ms.
        .setServerConfig("synchronous_commit", "on")
        // Durability against power loss is not needed here; a process crash loses nothing.
        .setServerConfig("fsync", "off")
        .setServerConfig("unix_socket_directories", "''")
        .setServerConfig("listen_addresses", "localhost")
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  @Override
  protected void doStop() throws IOException {
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
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
