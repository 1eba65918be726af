package dev.tessera.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to run the system: where the repository and the data are, which ports, how many instances of
 * each service.
 *
 * @param repository the Tessera checkout, whose modules hold the built applications
 * @param dataDirectory where servers keep their data and processes their logs, across restarts
 * @param gatewayPort the public port (8080 by default)
 * @param servicePortBase the first port of the services (instance {@code i} of the service with
 *     index {@code s} listens on {@code base + s + 10 * i})
 * @param mailPort the port of the page that shows the mail the SMTP server received
 * @param replicas instances per service (1 when absent)
 * @param spares services with one more instance that is not started: the gateway knows its address
 *     (and skips it while it refuses connections), so a test can start it next to the others, as a
 *     rolling update's surge pod, and stop an old one after it
 * @param previousReleases services whose started instances run the build in another checkout (the
 *     previous release, built): with a spare, which runs this one, a test has release N and N+1 of
 *     that service side by side, as during a rolling upgrade
 * @param shards services whose data is sharded over this many databases (1 when absent), each
 *     beyond the first on a PostgreSQL server of its own (docs/sharding.md)
 */
public record LaunchOptions(
    Path repository,
    Path dataDirectory,
    int gatewayPort,
    int servicePortBase,
    int mailPort,
    Map<String, Integer> replicas,
    Set<String> spares,
    Map<String, Path> previousReleases,
    Map<String, Integer> shards) {

  /** The default ports keep clear of the usual local servers (5432, 6379, 9092, 8081…). */
  public static final int DEFAULT_GATEWAY_PORT = 8080;

  public static final int DEFAULT_SERVICE_PORT_BASE = 18080;
  public static final int DEFAULT_MAIL_PORT = 18025;

  /**
   * Most instances of one service; never more than an event topic's partitions ({@code
   * EventTopics.PARTITIONS}), or the instances beyond would consume nothing.
   */
  public static final int MAX_REPLICAS = 5;

  /** Most databases of one service: each is a PostgreSQL server, and this machine has 2 cores. */
  public static final int MAX_SHARD_DATABASES = 4;

  public LaunchOptions {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    replicas = Map.copyOf(replicas);
    spares = Set.copyOf(spares);
    previousReleases = Map.copyOf(previousReleases);
    shards = Map.copyOf(shards);
    shards.forEach(
        (service, count) -> {
          if (count < 1 || count > MAX_SHARD_DATABASES) {
            throw new IllegalArgumentException(
                service + ": between 1 and " + MAX_SHARD_DATABASES + " databases, not " + count);
          }
        });
    replicas.forEach(
        // Which names are services is the checkout's to say (Services.requireKnown, at start),
        // for the spares too.
        (service, count) -> {
          if (count < 1 || count > MAX_REPLICAS) {
            throw new IllegalArgumentException(
                service + ": between 1 and " + MAX_REPLICAS + " replicas, not " + count);
          }
        });
  }

  /** Defaults for a checkout at {@code repository}, data under its {@code .tessera}. */
  public static LaunchOptions defaults(Path repository) {
    return new LaunchOptions(
        repository,
        repository.resolve(".tessera"),
        DEFAULT_GATEWAY_PORT,
        DEFAULT_SERVICE_PORT_BASE,
        DEFAULT_MAIL_PORT,
        Map.of(),
        Set.of(),
        Map.of(),
        Map.of());
  }

  /** The same options with {@code count} instances of {@code service}. */
  public LaunchOptions withReplicas(String service, int count) {
    Map<String, Integer> copy = new LinkedHashMap<>(replicas);
    copy.put(service, count);
    return new LaunchOptions(
        repository,
        dataDirectory,
        gatewayPort,
        servicePortBase,
        mailPort,
        copy,
        spares,
        previousReleases,
        shards);
  }

  /** The same options with a spare instance of {@code service} (see {@link #spares()}). */
  public LaunchOptions withSpare(String service) {
    Set<String> copy = new java.util.HashSet<>(spares);
    copy.add(service);
    return new LaunchOptions(
        repository,
        dataDirectory,
        gatewayPort,
        servicePortBase,
        mailPort,
        replicas,
        copy,
        previousReleases,
        shards);
  }

  /** The same options with other ports (0 keeps the current one). */
  public LaunchOptions withPorts(int gateway, int serviceBase, int mail) {
    return new LaunchOptions(
        repository,
        dataDirectory,
        gateway == 0 ? gatewayPort : gateway,
        serviceBase == 0 ? servicePortBase : serviceBase,
        mail == 0 ? mailPort : mail,
        replicas,
        spares,
        previousReleases,
        shards);
  }

  /** The same options with another data directory. */
  public LaunchOptions withDataDirectory(Path directory) {
    return new LaunchOptions(
        repository,
        directory,
        gatewayPort,
        servicePortBase,
        mailPort,
        replicas,
        spares,
        previousReleases,
        shards);
  }

  /**
   * The same options with the started instances of {@code service} running the build in {@code
   * checkout} (see {@link #previousReleases()}).
   */
  public LaunchOptions withPreviousRelease(String service, Path checkout) {
    Map<String, Path> copy = new LinkedHashMap<>(previousReleases);
    copy.put(service, checkout);
    return new LaunchOptions(
        repository,
        dataDirectory,
        gatewayPort,
        servicePortBase,
        mailPort,
        replicas,
        spares,
        copy,
        shards);
  }

  /** The same options with {@code service}'s data sharded over {@code count} databases. */
  public LaunchOptions withShards(String service, int count) {
    Map<String, Integer> copy = new LinkedHashMap<>(shards);
    copy.put(service, count);
    return new LaunchOptions(
        repository,
        dataDirectory,
        gatewayPort,
        servicePortBase,
        mailPort,
        replicas,
        spares,
        previousReleases,
        copy);
  }

  /** Databases of {@code service}. */
  public int shardsOf(String service) {
    return shards.getOrDefault(service, 1);
  }

  /** The checkout whose build instance {@code instance} of {@code service} runs. */
  public Path checkoutOf(String service, boolean spare) {
    return spare ? repository : previousReleases.getOrDefault(service, repository);
  }

  /** Instances of {@code service}. */
  public int replicasOf(String service) {
    return replicas.getOrDefault(service, 1);
  }

  /** The port of instance {@code instance} (0-based) of {@code service}. */
  public int portOf(Services.Service service, int instance) {
    return servicePortBase + service.index() + 10 * instance;
  }
}
