package dev.tessera.sharding;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One of a sharded service's databases besides its home one, as {@code TESSERA_SHARDING_DATABASES}
 * (the property {@code tessera.sharding.databases}) lists them: {@code name=postgresql://host:port/
 * database}, comma-separated. The service, its migrations (platform/migrations) and the shard mover
 * read the list with {@link #parseAll}, so they never disagree on it.
 *
 * @param name its name in the shard map, its metrics and its outbox connector
 * @param url its reactive URL, {@code postgresql://host:port/database}
 */
public record NamedDatabase(String name, String url) {

  /** A database's name: it names its outbox connector and replication slot, so [a-z0-9] only. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,30}");

  /** Its JDBC URL, for migrations, the replication slot and the mover. */
  public String jdbcUrl() {
    return "jdbc:" + url;
  }

  /**
   * The databases {@code text} lists, in its order; none for a blank one. Refuses a malformed entry
   * or name, a name used twice or {@code reserved} (the home database's), and a URL that is not
   * PostgreSQL's: a database left out would be left unmigrated and unrouted.
   */
  public static List<NamedDatabase> parseAll(String reserved, String text) {
    List<NamedDatabase> databases = new ArrayList<>();
    Set<String> names = new HashSet<>(Set.of(reserved));
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
      if (!url.startsWith("postgresql://")) {
        throw new IllegalArgumentException(
            "tessera.sharding.databases: " + name + " needs a postgresql:// URL");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "tessera.sharding.databases: " + name + " is named twice (or is the home database)");
      }
      databases.add(new NamedDatabase(name, url));
    }
    return List.copyOf(databases);
  }
}
