package dev.tessera.deploy;

import dev.tessera.registry.ServiceDescriptor;
import dev.tessera.registry.ServiceRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the chart, the manifests and the applications' sources are, seen from the tests. */
final class Repo {

  /** The domain services, as their descriptors ({@code services/*}{@code /service.yaml}) say. */
  static final ServiceRegistry REGISTRY = ServiceRegistry.discover(root());

  /** The domain services' names, in port-index order. */
  static final List<String> SERVICES =
      REGISTRY.services().stream().map(ServiceDescriptor::name).toList();

  /** The apps the chart deploys, by component name: the gateway and every domain service. */
  static final List<String> APPS = Stream.concat(Stream.of("gateway"), SERVICES.stream()).toList();

  private Repo() {}

  /** The repository root (surefire passes it; the module's parent otherwise). */
  static Path root() {
    String configured = System.getProperty("tessera.root");
    Path root = configured != null ? Path.of(configured) : Path.of("..");
    return root.toAbsolutePath().normalize();
  }

  /** The chart directory. */
  static Path chart() {
    return root().resolve("helm/tessera");
  }

  /** The chart's ci/ values files. */
  static List<Path> ciValuesFiles() {
    try (Stream<Path> files = Files.list(chart().resolve("ci"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The source directory of one app: gateway/ or services/&lt;name&gt;/. */
  static Path appDir(String app) {
    return app.equals("gateway") ? root().resolve("gateway") : root().resolve("services/" + app);
  }

  /** One app's application.properties. */
  static Path applicationProperties(String app) {
    return appDir(app).resolve("src/main/resources/application.properties");
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
