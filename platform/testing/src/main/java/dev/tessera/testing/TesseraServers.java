package dev.tessera.testing;

import dev.tessera.servers.LocalServers;
import dev.tessera.servers.Restartable;
import dev.tessera.servers.Servers;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The one set of servers that every test of a JVM shares, started on first use and stopped at the
 * end of the run.
 *
 * <p>{@code -Dtessera.infra=local} (the default) runs real servers on this machine without Docker
 * ({@link LocalServers}); {@code -Dtessera.infra=containers} runs the same servers in
 * Testcontainers. Tests see the same {@link Servers} interfaces either way.
 */
public final class TesseraServers {

  /** System property that chooses where the servers run: {@code local} or {@code containers}. */
  public static final String INFRA_PROPERTY = "tessera.infra";

  private static final String CONTAINERS_CLASS = "dev.tessera.testing.containers.ContainerServers";

  private TesseraServers() {}

  /**
   * The shared servers, started on the first call in this JVM.
   *
   * <p>Quarkus loads {@code @QuarkusTest} classes and their test resources in class loaders of its
   * own, one per application; a static field would then hold one set of servers per class loader.
   * The set therefore lives in the system class loader's copy of {@link SharedServersRegistry}, and
   * callers in other class loaders get a view built from its endpoints.
   */
  @SuppressWarnings("unchecked")
  public static Servers shared() {
    Class<?> registry = globalRegistry();
    if (registry == SharedServersRegistry.class) {
      return SharedServersRegistry.servers();
    }
    try {
      return new ServersView((Map<String, Object>) registry.getMethod("handle").invoke(null));
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("could not start the shared servers", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not reach the shared servers", e);
    }
  }

  /** Stops the shared servers now, if they run; the next {@link #shared()} starts new ones. */
  public static void closeShared() {
    try {
      globalRegistry().getMethod("close").invoke(null);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("could not stop the shared servers", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not reach the shared servers", e);
    }
  }

  /** {@code local} or {@code containers}, from {@value #INFRA_PROPERTY}. */
  public static String infra() {
    String infra = System.getProperty(INFRA_PROPERTY, "local").trim().toLowerCase(Locale.ROOT);
    if (!infra.equals("local") && !infra.equals("containers")) {
      throw new IllegalArgumentException(
          "-D" + INFRA_PROPERTY + " must be local or containers, not " + infra);
    }
    return infra;
  }

  /**
   * {@code server} as something a test can stop and start. Where that is not possible (servers in
   * containers, whose ports change on a restart) the calling test is skipped, and says why.
   */
  public static Restartable restartable(Object server) {
    if (server instanceof Restartable restartable) {
      return restartable;
    }
    return Assumptions.abort(
        server + " cannot be stopped and restarted with -D" + INFRA_PROPERTY + "=" + infra());
  }

  /** Starts a new, unshared set; {@link SharedServersRegistry} calls this once per JVM. */
  static Servers startNew() {
    if (infra().equals("local")) {
      return LocalServers.start();
    }
    // By name: no Testcontainers class is loaded unless containers were asked for.
    try {
      return (Servers) Class.forName(CONTAINERS_CLASS).getMethod("start").invoke(null);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException("could not start the containers", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not load " + CONTAINERS_CLASS, e);
    }
  }

  static Class<?> globalRegistry() {
    try {
      return Class.forName(
          SharedServersRegistry.class.getName(), true, ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException e) {
      // Not on the system class path (an unusual launcher): this loader is the most global one.
      return SharedServersRegistry.class;
    }
  }
}
