package dev.tessera.sharding;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * The databases a service's data is sharded over: its home database (the datasource's) first, then
 * those {@code tessera.sharding.databases} names. A service without any has one, and routes
 * nothing.
 */
@Singleton
public class ShardDatabases {

  private final String home;
  private final List<NamedDatabase> others;

  @Inject
  ShardDatabases(ShardingConfig config) {
    this(config.home(), NamedDatabase.parseAll(config.home(), config.databases().orElse("")));
  }

  ShardDatabases(String home, List<NamedDatabase> others) {
    this.home = home;
    this.others = List.copyOf(others);
  }

  /** The home database's name. */
  public String home() {
    return home;
  }

  /** The databases besides the home one, in the order configured. */
  public List<NamedDatabase> others() {
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
}
