package dev.tessera.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The domain services of a checkout, found by their descriptors ({@code services/*}{@code
 * /service.yaml}) rather than listed anywhere: adding a service adds a file, and edits no list.
 * Every descriptor is checked when it is read, and a bad one is refused with its file and field
 * named (docs/service-descriptor.md is the format).
 */
public final class ServiceRegistry {

  /** Where a service's descriptor is, relative to its module. */
  public static final String DESCRIPTOR = "service.yaml";

  /**
   * Highest port index: instance {@code i} of a service listens on base + index + 10 × i, so an
   * index of 10 or more would take the port of another service's second instance.
   */
  public static final int MAX_PORT_INDEX = 9;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*");
  private static final Pattern TOPIC =
      Pattern.compile("([a-z][a-z0-9]*)\\.[a-z][a-z0-9]*\\.events");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private static final Set<String> KEYS = Set.of("name", "portIndex", "routes", "topics", "needs");
  private static final Set<String> ROUTE_KEYS = Set.of("public", "auth");
  private static final Set<String> TOPIC_KEYS = Set.of("publishes", "consumes");
  private static final Set<String> NEED_KEYS = Set.of("redis", "smtp");

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

  private final List<ServiceDescriptor> services;

  private ServiceRegistry(List<ServiceDescriptor> services) {
    this.services = List.copyOf(services);
  }

  /**
   * The services of the checkout at {@code repository}: every {@code services/<dir>/service.yaml},
   * in port-index order.
   *
   * @throws DescriptorException if a descriptor is bad, two share a port index, a service consumes
   *     a topic no service publishes, or there is none at all
   */
  public static ServiceRegistry discover(Path repository) {
    Path root = repository.resolve("services");
    List<Path> files;
    try (Stream<Path> dirs = Files.list(root)) {
      files =
          dirs.map(dir -> dir.resolve(DESCRIPTOR)).filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    if (files.isEmpty()) {
      throw new DescriptorException(
          root.toString(),
          "no service has a " + DESCRIPTOR + " (services/<name>/" + DESCRIPTOR + ")");
    }
    List<ServiceDescriptor> services = new ArrayList<>();
    for (Path file : files) {
      services.add(read(file, repository.relativize(file).toString()));
    }
    return of(services);
  }

  /**
   * A registry of {@code services}, checked as a whole: distinct port indexes, and every consumed
   * topic published by one of them.
   */
  public static ServiceRegistry of(List<ServiceDescriptor> services) {
    Map<Integer, ServiceDescriptor> byPort = new HashMap<>();
    Set<String> published = new TreeSet<>();
    for (ServiceDescriptor s : services) {
      ServiceDescriptor other = byPort.putIfAbsent(s.portIndex(), s);
      if (other != null) {
        throw new DescriptorException(
            descriptorOf(s),
            "portIndex: "
                + s.portIndex()
                + " is "
                + other.name()
                + "'s already; each needs its own");
      }
      published.addAll(s.publishes());
    }
    for (ServiceDescriptor s : services) {
      for (String topic : s.consumes()) {
        if (!published.contains(topic)) {
          throw new DescriptorException(
              descriptorOf(s),
              "topics.consumes: no service publishes '"
                  + topic
                  + "' (published: "
                  + published
                  + ")");
        }
      }
    }
    return new ServiceRegistry(
        services.stream().sorted(Comparator.comparingInt(ServiceDescriptor::portIndex)).toList());
  }

  /**
   * Reads one descriptor; {@code shownAs} names it in errors (its path in the repository).
   *
   * @throws DescriptorException naming the file and the field, if it is not a valid descriptor of
   *     the service whose directory holds it
   */
  public static ServiceDescriptor read(Path file, String shownAs) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new DescriptorException(shownAs, "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + shownAs, e);
    }
    Fields f = new Fields(shownAs);
    f.mapping(root, "", KEYS);

    String name = f.text(root, "name");
    if (!NAME.matcher(name).matches()) {
      throw f.error("name", "'" + name + "' is not a lowercase word (a-z, then a-z or 0-9)");
    }
    Path directory = file.toAbsolutePath().normalize().getParent();
    if (!directory.getFileName().toString().equals(name)) {
      throw f.error(
          "name",
          "'" + name + "', but the file is in " + directory.getFileName() + "/: they must match");
    }
    int portIndex = f.integer(root, "portIndex");
    if (portIndex < 1 || portIndex > MAX_PORT_INDEX) {
      throw f.error("portIndex", portIndex + " is not between 1 and " + MAX_PORT_INDEX);
    }
    String prefix = "/api/" + name;

    JsonNode routes = f.optionalMapping(root, "routes", ROUTE_KEYS);
    List<String> publicReads = f.strings(routes, "routes.public");
    for (String path : publicReads) {
      f.ownPath("routes.public", path, prefix);
    }
    List<String> authRoutes = f.strings(routes, "routes.auth");
    for (String route : authRoutes) {
      String[] parts = route.split(" ", -1);
      if (parts.length != 2 || !METHODS.contains(parts[0])) {
        throw f.error(
            "routes.auth",
            "'" + route + "' is not \"METHOD /path\" with METHOD one of " + new TreeSet<>(METHODS));
      }
      f.ownPath("routes.auth", parts[1], prefix);
    }

    JsonNode topics = f.optionalMapping(root, "topics", TOPIC_KEYS);
    List<String> publishes = f.strings(topics, "topics.publishes");
    for (String topic : publishes) {
      if (!name.equals(f.topicOwner("topics.publishes", topic))) {
        throw f.error(
            "topics.publishes",
            "'" + topic + "' is not one of its own topics (" + name + ".<aggregate>.events)");
      }
    }
    List<String> consumes = f.strings(topics, "topics.consumes");
    for (String topic : consumes) {
      if (name.equals(f.topicOwner("topics.consumes", topic))) {
        throw f.error("topics.consumes", "'" + topic + "' is its own topic");
      }
    }

    JsonNode needs = f.optionalMapping(root, "needs", NEED_KEYS);
    return new ServiceDescriptor(
        name,
        "services/" + name,
        portIndex,
        publicReads,
        authRoutes,
        publishes,
        consumes,
        f.flag(needs, "needs.redis"),
        f.flag(needs, "needs.smtp"));
  }

  /** The services, in port-index order. */
  public List<ServiceDescriptor> services() {
    return services;
  }

  /** The service called {@code name}. */
  public Optional<ServiceDescriptor> byName(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Every service's public reads. */
  public List<String> publicReads() {
    return services.stream().flatMap(s -> s.publicReads().stream()).toList();
  }

  /** Every service's credential endpoints, {@code "METHOD /path"}. */
  public List<String> authRoutes() {
    return services.stream().flatMap(s -> s.authRoutes().stream()).toList();
  }

  private static String descriptorOf(ServiceDescriptor s) {
    return s.module() + "/" + DESCRIPTOR;
  }

  /** Typed access to a descriptor's fields, every failure naming the file and the field. */
  private record Fields(String file) {

    DescriptorException error(String field, String problem) {
      return new DescriptorException(file, field + ": " + problem);
    }

    void mapping(JsonNode node, String field, Set<String> keys) {
      if (node == null || !node.isObject()) {
        throw field.isEmpty()
            ? new DescriptorException(file, "not a mapping of " + new TreeSet<>(keys))
            : error(field, "not a mapping of " + new TreeSet<>(keys));
      }
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String key = names.next();
        if (!keys.contains(key)) {
          String where = field.isEmpty() ? key : field + "." + key;
          throw error(where, "unknown key (known here: " + new TreeSet<>(keys) + ")");
        }
      }
    }

    JsonNode optionalMapping(JsonNode parent, String field, Set<String> keys) {
      JsonNode node = parent.get(field);
      if (node == null || node.isNull()) {
        return null;
      }
      mapping(node, field, keys);
      return node;
    }

    private static JsonNode child(JsonNode parent, String dotted) {
      return parent == null ? null : parent.get(dotted.substring(dotted.lastIndexOf('.') + 1));
    }

    String text(JsonNode parent, String field) {
      JsonNode node = child(parent, field);
      if (node == null || node.isNull()) {
        throw error(field, "missing");
      }
      if (!node.isTextual() || node.asText().isBlank()) {
        throw error(field, "not a word: " + node);
      }
      return node.asText();
    }

    int integer(JsonNode parent, String field) {
      JsonNode node = child(parent, field);
      if (node == null || node.isNull()) {
        throw error(field, "missing");
      }
      if (!node.isInt()) {
        throw error(field, "not a whole number: " + node);
      }
      return node.asInt();
    }

    List<String> strings(JsonNode parent, String field) {
      JsonNode node = child(parent, field);
      if (node == null || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw error(field, "not a list: " + node);
      }
      List<String> values = new ArrayList<>();
      for (JsonNode item : node) {
        if (!item.isTextual() || item.asText().isBlank()) {
          throw error(field, "not a list of words: " + item);
        }
        if (values.contains(item.asText())) {
          throw error(field, "'" + item.asText() + "' twice");
        }
        values.add(item.asText());
      }
      return values;
    }

    boolean flag(JsonNode parent, String field) {
      JsonNode node = child(parent, field);
      if (node == null || node.isNull()) {
        return false;
      }
      if (!node.isBoolean()) {
        throw error(field, "not true or false: " + node);
      }
      return node.asBoolean();
    }

    void ownPath(String field, String path, String prefix) {
      if (!PATH.matcher(path).matches()
          || !path.startsWith(prefix + "/")
          || path.contains("/./")
          || path.contains("/../")
          || path.endsWith("/.")
          || path.endsWith("/..")) {
        throw error(
            field,
            "'" + path + "' is not a plain path under " + prefix + "/, which the service owns");
      }
    }

    String topicOwner(String field, String topic) {
      var m = TOPIC.matcher(topic);
      if (!m.matches()) {
        throw error(field, "'" + topic + "' is not a topic <service>.<aggregate>.events");
      }
      return m.group(1);
    }
  }
}
