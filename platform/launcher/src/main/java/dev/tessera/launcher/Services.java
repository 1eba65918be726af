package dev.tessera.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The applications the launcher runs, in start order, and where their builds are. */
public final class Services {

  /** One application: a domain service (with its own database) or the gateway. */
  public record Service(String name, int index, String module, boolean hasDatabase) {

    /** The runnable Quarkus application of this service in a built checkout. */
    public Path runner(Path repository) {
      return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
  }

  /**
   * The domain services: each has its own database and role, and an outbox connector if it
   * publishes events.
   */
  public static final List<Service> DOMAIN =
      List.of(
          new Service("identity", 1, "services/identity", true),
          new Service("orders", 2, "services/orders", true),
          new Service("billing", 3, "services/billing", true),
          new Service("notifications", 4, "services/notifications", true));

  /** The single public entry point, started once every domain service is ready. */
  public static final Service GATEWAY = new Service("gateway", 0, "gateway", false);

  private Services() {}

  /** Every application, gateway last. */
  public static List<Service> all() {
    return java.util.stream.Stream.concat(DOMAIN.stream(), java.util.stream.Stream.of(GATEWAY))
        .toList();
  }

  /** The application called {@code name}. */
  public static Optional<Service> byName(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
