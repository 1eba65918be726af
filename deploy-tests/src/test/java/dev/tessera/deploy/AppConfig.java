package dev.tessera.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one app's {@code application.properties} says, read when the test runs: its consumers, its
 * shutdown timeout, and which configuration it reads, so the chart is checked against the code as
 * it is now.
 */
record AppConfig(String app, String text, Map<String, String> properties) {

  private static final Pattern INCOMING =
      Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.(.+)");
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

  /** One incoming channel: its consumer group, topic and dead-letter topic. */
  record Channel(String name, String group, String topic, String deadLetterTopic) {}

  static AppConfig of(String app) {
    String text = Repo.read(Repo.applicationProperties(app));
    Properties raw = new Properties();
    try {
      raw.load(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    // Profile-specific keys (%test., %dev.) never apply in the cluster (the prod profile).
    raw.stringPropertyNames().stream()
        .filter(k -> !k.startsWith("%") || k.startsWith("%prod."))
        .sorted()
        .forEach(k -> properties.put(k.replaceFirst("^%prod\\.", ""), raw.getProperty(k)));
    return new AppConfig(app, text, properties);
  }

  /** The incoming Kafka channels, by channel name. */
  Map<String, Channel> channels() {
    Map<String, Map<String, String>> byChannel = new LinkedHashMap<>();
    properties.forEach(
        (k, v) -> {
          Matcher m = INCOMING.matcher(k);
          if (m.matches()) {
            byChannel.computeIfAbsent(m.group(1), c -> new LinkedHashMap<>()).put(m.group(2), v);
          }
        });
    Map<String, Channel> channels = new LinkedHashMap<>();
    byChannel.forEach(
        (name, attrs) ->
            channels.put(
                name,
                new Channel(
                    name,
                    attrs.getOrDefault("group.id", properties.get("quarkus.application.name")),
                    attrs.getOrDefault("topic", name),
                    attrs.get("dead-letter-queue.topic"))));
    return channels;
  }

  /** Whether the app consumes from Kafka. */
  boolean consumes() {
    return !channels().isEmpty();
  }

  /** quarkus.shutdown.timeout; Quarkus's default is no graceful wait at all. */
  Duration shutdownTimeout() {
    String value = properties.get("quarkus.shutdown.timeout");
    return value == null ? Duration.ZERO : parseDuration(value);
  }

  /** The metrics path the app serves (Quarkus's default is /q/metrics). */
  String metricsPath() {
    return properties.getOrDefault("quarkus.micrometer.export.prometheus.path", "/q/metrics");
  }

  /** Whether a property (or a sub-tree of properties) is configured. */
  boolean has(String keyPrefix) {
    return properties.keySet().stream()
        .anyMatch(k -> k.equals(keyPrefix) || k.startsWith(keyPrefix + "."));
  }

  /**
   * Environment variables the app reads: the environment form of every configured key (Quarkus maps
   * QUARKUS_HTTP_PORT to quarkus.http.port) and every variable named in the file, in an expression
   * like ${DB_USERNAME:…} or in a comment that documents it.
   */
  Set<String> environmentVariables() {
    Set<String> names = new TreeSet<>();
    properties.keySet().forEach(k -> names.add(envName(k)));
    Matcher reference = ENV_REFERENCE.matcher(text);
    while (reference.find()) {
      names.add(reference.group(1));
    }
    Matcher documented = Pattern.compile("\\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\\b").matcher(text);
    while (documented.find()) {
      names.add(documented.group(1));
    }
    return names;
  }

  /**
   * Keys whose value in the file points at this machine (localhost): in a cluster each must be
   * overridden, directly or through the variable its expression names.
   */
  Map<String, Set<String>> localDefaults() {
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    properties.forEach(
        (k, v) -> {
          if (v.contains("localhost") || v.contains("127.0.0.1")) {
            Set<String> overrides = new TreeSet<>();
            overrides.add(envName(k));
            Matcher reference = ENV_REFERENCE.matcher(v);
            while (reference.find()) {
              overrides.add(reference.group(1));
            }
            keys.put(k, overrides);
          }
        });
    return keys;
  }

  Optional<String> get(String key) {
    return Optional.ofNullable(properties.get(key));
  }

  /** The environment variable name of a configuration key, as SmallRye Config maps it. */
  static String envName(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
  }

  /** Quarkus durations: "20s", "500ms", "PT20S" or a number of seconds. */
  static Duration parseDuration(String value) {
    String v = value.trim();
    if (v.startsWith("P") || v.startsWith("p")) {
      return Duration.parse(v);
    }
    if (v.matches("[0-9]+")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    if (v.matches("[0-9]+ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (v.matches("[0-9]+[smhdSMHD]")) {
      char unit = Character.toLowerCase(v.charAt(v.length() - 1));
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    throw new IllegalArgumentException("Not a duration: " + value);
  }
}
