package dev.tessera.sharding;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The databases a service's data is sharded over: its home database (the datasource's) first, then
 * those {@code tessera.sharding.databases} names. A service without any has one, and routes
 * nothing.
 */
@Singleton
public class ShardDatabases {

  /** A database's name: it names its outbox connector and replication slot, so [a-z0-9] only. */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,30}");

  /**
   * A database besides the home one.
   *
   * @param name its name in the shard map, the metrics and its connector
   * @param url its reactive URL, {@code postgresql://host:port/database}
   */
  public record Other(String name, String url) {

    /** Its JDBC URL, for migrations and the replication slot. */
    public String jdbcUrl() {
      return "jdbc:" + url;
    }
  }

  private final String home;
  private final List<Other> others;

  @Inject
  ShardDatabases(ShardingConfig config) {
    this(config.home(), parse(config.home(), config.databases().orElse("")));
  }

  ShardDatabases(String home, List<Other> others) {
    this.home = home;
    this.others = List.copyOf(others);
  }

  /** The home database's name. */
  public String home() {
    return home;
  }

  /** The databases besides the home one, in the order configured. */
  public List<Other> others() {
    return others;
  }

  /** Every database's name, the home one first. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    names.add(home);
    others.forEach(other -> names.add(other.name()));
    return List.copyOf(names);
  }

  /** Whether there is more than one database, so that work is routed by user. */
  public boolean sharded() {
    return !others.isEmpty();
  }

  /**
   * Reads {@code name=postgresql://host:port/database, ...}; refuses a bad or repeated name, the
   * home database's name, and a URL that is not PostgreSQL's.
   */
  static List<Other> parse(String home, String text) {
    List<Other> others = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>(List.of(home));
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int equals = entry.indexOf('=');
      String name = equals < 0 ? "" : entry.substring(0, equals).strip();
      String url = equals < 0 ? "" : entry.substring(equals + 1).strip();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "tessera.sharding.databases: each entry is name=postgresql://host:port/database with"
                + " a name of lower-case letters and digits, not: "
                + entry.strip());
      }
      if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
        throw new IllegalArgumentException(
            "tessera.sharding.databases: " + name + " needs a postgresql:// URL");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "tessera.sharding.databases: " + name + " is named twice (or is the home database)");
      }
      others.add(new Other(name, url));
    }
    return others;
  }
}
