package dev.tessera.testing;

import dev.tessera.servers.Credentials;
import dev.tessera.servers.LocalPostgres;
import dev.tessera.servers.Postgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A PostgreSQL primary with a streaming hot standby of its own, for tests of read routing and
 * failover: one pair per test JVM, apart from the shared servers (stopping its primary disturbs no
 * other test), whose standby applies each commit {@link #APPLY_DELAY} late so that replication lag
 * is visible.
 *
 * <p>Quarkus loads tests and test resources in different class loaders: the pair lives in the
 * system class loader's {@link SharedServersRegistry}, behind a handle of JDK types.
 */
public final class ReplicaPair {

  /** The standby's {@code recovery_min_apply_delay}. */
  public static final Duration APPLY_DELAY = Duration.ofSeconds(20);

  private final Map<String, Object> handle;

  private ReplicaPair(Map<String, Object> handle) {
    this.handle = handle;
  }

  /** The JVM's pair, started on first use. */
  @SuppressWarnings("unchecked")
  public static ReplicaPair shared() {
    try {
      return new ReplicaPair(
          (Map<String, Object>)
              TesseraServers.globalRegistry().getMethod("replicaPair").invoke(null));
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("could not start the replica pair", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not reach the replica pair", e);
    }
  }

  static Map<String, Object> startNew() {
    Path root;
    try {
      root =
          Files.createTempDirectory(
              Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))),
              "tessera-replica-pair-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalPostgres primary = new LocalPostgres(root.resolve("primary"), false);
    primary.start();
    LocalPostgres standby =
        LocalPostgres.standbyOf(primary, root.resolve("standby"), false, APPLY_DELAY);
    standby.start();
    Map<String, Object> h = new HashMap<>();
    h.put("primary.port", primary.port());
    h.put("standby.port", standby.port());
    h.put("primary.stop", (Runnable) primary::stop);
    h.put("primary.start", (Runnable) primary::start);
    h.put("standby.stop", (Runnable) standby::stop);
    h.put("standby.start", (Runnable) standby::start);
    h.put("primary.lsn", (Supplier<String>) primary::walLsn);
    h.put("standby.lsn", (Supplier<String>) standby::walLsn);
    return Map.copyOf(h);
  }

  /** The primary, for creating databases and inspecting it. */
  public Postgres primary() {
    return view((Integer) handle.get("primary.port"));
  }

  /** The standby (read-only), for inspecting it. */
  public Postgres standby() {
    return view((Integer) handle.get("standby.port"));
  }

  /** Stops the primary cleanly (as a planned switchover would). */
  public void stopPrimary() {
    ((Runnable) handle.get("primary.stop")).run();
  }

  /** Starts the primary again, on the same port and data. */
  public void startPrimary() {
    ((Runnable) handle.get("primary.start")).run();
  }

  /** Stops the standby. */
  public void stopStandby() {
    ((Runnable) handle.get("standby.stop")).run();
  }

  /** Starts the standby again; it resumes streaming from its slot. */
  public void startStandby() {
    ((Runnable) handle.get("standby.start")).run();
  }

  /** The primary's current WAL position. */
  @SuppressWarnings("unchecked")
  public String primaryLsn() {
    return ((Supplier<String>) handle.get("primary.lsn")).get();
  }

  /** The position up to which the standby has replayed (what its queries see). */
  @SuppressWarnings("unchecked")
  public String standbyLsn() {
    return ((Supplier<String>) handle.get("standby.lsn")).get();
  }

  private static Postgres view(int port) {
    return new Postgres() {
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
        return LocalPostgres.SUPERUSER;
      }
    };
  }
}
