package dev.tessera.launcher;

import dev.tessera.registry.ServiceDescriptor;
import dev.tessera.registry.ServiceRegistry;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The applications the launcher runs, in start order, and where their builds are: the domain
 * services of the checkout, as their descriptors ({@code services/*}{@code /service.yaml}) describe
 * them, then the gateway.
 */
public final class Services {

  /** One application: a domain service (with its own database) or the gateway. */
  public record Service(String name, int index, String module, boolean hasDatabase) {

    /** The runnable Quarkus application of this service in a built checkout. */
    public Path runner(Path repository) {
      return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
  }

  /** The single public entry point, started once every domain service is ready. */
  public static final Service GATEWAY = new Service("gateway", 0, "gateway", false);

  private final ServiceRegistry registry;
  private final List<Service> domain;

  private Services(ServiceRegistry registry) {
    this.registry = registry;
    this.domain =
        registry.services().stream()
            .map(d -> new Service(d.name(), d.portIndex(), d.module(), true))
            .toList();
  }

  /**
   * The services of the checkout at {@code repository}.
   *
   * @throws dev.tessera.registry.DescriptorException naming the file and field of a bad descriptor
   */
  public static Services discover(Path repository) {
    return new Services(ServiceRegistry.discover(repository));
  }

  /**
   * The domain services, in port-index order: each has its own database and role, and an outbox
   * connector if it publishes events.
   */
  public List<Service> domain() {
    return domain;
  }

  /** Every application, gateway last. */
  public List<Service> all() {
    return Stream.concat(domain.stream(), Stream.of(GATEWAY)).toList();
  }

  /** The application called {@code name}. */
  public Optional<Service> byName(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * The services that publish events, by their descriptors' {@code topics.publishes}: those that
   * get an outbox connector.
   */
  public SortedSet<String> publishers() {
    return registry.services().stream()
        .filter(d -> !d.publishes().isEmpty())
        .map(ServiceDescriptor::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every event topic the services publish, once each. */
  public SortedSet<String> eventTopics() {
    return registry.services().stream()
        .flatMap(d -> d.publishes().stream())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The descriptors the domain services were read from. */
  public ServiceRegistry registry() {
    return registry;
  }

  /**
   * Refuses names that are no application's (e.g. in {@code --replicas}).
   *
   * @throws IllegalArgumentException naming the first unknown one and the known ones
   */
  public void requireKnown(Collection<String> names) {
    for (String name : names) {
      if (byName(name).isEmpty()) {
        throw new IllegalArgumentException(
            "unknown service "
                + name
                + " (known: "
                + all().stream().map(Service::name).collect(Collectors.joining(", "))
                + ")");
      }
    }
  }

  /**
   * The gateway's route table, as configuration: its public reads and credential endpoints, and one
   * metrics path per service, so that {@code /api/orders/123} is counted as {@code /api/orders}
   * (the upstream URLs are added where the instances are known).
   */
  public Map<String, String> gatewayRoutes() {
    Map<String, String> properties = new LinkedHashMap<>();
    if (!registry.publicReads().isEmpty()) {
      properties.put(
          "tessera.gateway.routes.public-reads", String.join(",", registry.publicReads()));
    }
    if (!registry.authRoutes().isEmpty()) {
      properties.put("tessera.gateway.routes.auth", String.join(",", registry.authRoutes()));
    }
    properties.put(
        "quarkus.micrometer.binder.http-server.match-patterns",
        registry.services().stream()
            .map(ServiceDescriptor::prefix)
            .map(prefix -> prefix + "/.*=" + prefix)
            .collect(Collectors.joining(",")));
    return properties;
  }
}
