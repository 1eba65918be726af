package dev.tessera.servers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the classpath of the {@code tessera-server-runtime} module — Kafka, Connect, Debezium — for
 * the child JVMs, without those jars being on this JVM's classpath.
 *
 * <p>The runtime module writes its resolved classpath into {@value #RESOURCE} at build time; this
 * JVM sees only that file and the module's own jar (or classes directory), which it appends.
 */
public final class ServerRuntime {

  /** The resource that lists the runtime's dependency jars, separated by the path separator. */
  public static final String RESOURCE = "META-INF/tessera/server-runtime.classpath";

  /** System property that replaces the whole child classpath, e.g. for a packaged launcher. */
  public static final String CLASSPATH_PROPERTY = "tessera.server-runtime.classpath";

  private static String classpath;

  private ServerRuntime() {}

  /** The complete classpath of the child JVMs. */
  public static synchronized String classpath() {
    if (classpath == null) {
      String override = System.getProperty(CLASSPATH_PROPERTY);
      classpath = override != null ? override : fromResource();
      requireEntriesExist(classpath);
    }
    return classpath;
  }

  private static String fromResource() {
    URL url = ServerRuntime.class.getClassLoader().getResource(RESOURCE);
    if (url == null) {
      throw new IllegalStateException(
          RESOURCE
              + " is not on the classpath: add dev.tessera:tessera-server-runtime (with its"
              + " dependencies excluded) or set -D"
              + CLASSPATH_PROPERTY);
    }
    String dependencies;
    try (InputStream in = url.openStream()) {
      dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + url, e);
    }
    return dependencies + File.pathSeparator + runtimeRoot(url);
  }

  /** The jar or classes directory that holds the resource, i.e. the runtime's own classes. */
  static Path runtimeRoot(URL resource) {
    try {
      String protocol = resource.getProtocol();
      if ("jar".equals(protocol)) {
        String spec = resource.getPath(); // file:/…/x.jar!/META-INF/…
        return Path.of(new URI(spec.substring(0, spec.indexOf("!/"))));
      }
      if ("file".equals(protocol)) {
        Path file = Path.of(resource.toURI());
        int depth = Path.of(RESOURCE).getNameCount();
        for (int i = 0; i < depth; i++) {
          file = file.getParent();
        }
        return file;
      }
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot locate the server runtime from " + resource, e);
    }
    throw new IllegalStateException(
        "cannot locate the server runtime from "
            + resource
            + "; set -D"
            + CLASSPATH_PROPERTY
            + " to its full classpath");
  }

  private static void requireEntriesExist(String classpath) {
    List<String> missing = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
        missing.add(entry);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the server runtime classpath names files that do not exist (rebuild"
              + " platform/server-runtime on this machine: ./mvnw -pl platform/server-runtime"
              + " install): "
              + missing);
    }
  }
}
