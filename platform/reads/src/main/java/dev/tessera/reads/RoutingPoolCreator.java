package dev.tessera.reads;

import dev.tessera.sharding.NamedDatabase;
import dev.tessera.sharding.ShardDatabases;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes the service's reactive pool: the primary's alone, or — when {@code tessera.reads.replica-
 * url} names a replica, or {@code tessera.sharding.databases} other databases — a {@link
 * RoutingPool} over the primary's, the replica's and the other databases', each with the same
 * credentials, sizes and timeouts.
 */
@Singleton
@SuppressWarnings("deprecation") // PgPool: what Quarkus 3's pool recorder casts the result to.
public class RoutingPoolCreator implements PgPoolCreator {

  private static final Logger LOG = Logger.getLogger(RoutingPoolCreator.class);

  private final ReadsConfig config;
  private final ShardDatabases databases;
  private volatile Pool primary;
  private volatile Pool replica;

  RoutingPoolCreator(ReadsConfig config, ShardDatabases databases) {
    this.config = config;
    this.databases = databases;
  }

  @Override
  public Pool create(Input input) {
    List<PgConnectOptions> primaryOptions = input.pgConnectOptionsList();
    primary = PgPool.pool(input.vertx(), primaryOptions, input.poolOptions());
    Optional<String> replicaUrl = config.replicaUrl().filter(url -> !url.isBlank());
    if (replicaUrl.isEmpty() && !databases.sharded()) {
      return primary;
    }
    if (replicaUrl.isPresent()) {
      replica = like(input, replicaUrl.get(), "replica");
      LOG.infof("API reads may go to the replica at %s", where(replicaUrl.get()));
    }
    Map<String, Pool> others = new LinkedHashMap<>();
    for (NamedDatabase other : databases.others()) {
      others.put(other.name(), like(input, other.url(), other.name()));
      LOG.infof("database %s is at %s", other.name(), where(other.url()));
    }
    return new RoutingPool(databases.home(), primary, replica, others);
  }

  /** A pool like the primary's (credentials, sizes, timeouts) for the server {@code url} names. */
  @SuppressWarnings("deprecation")
  private static Pool like(Input input, String url, String suffix) {
    PgConnectOptions primaryOptions = input.pgConnectOptionsList().get(0);
    PgConnectOptions fromUrl = PgConnectOptions.fromUri(url);
    PgConnectOptions options =
        new PgConnectOptions(primaryOptions)
            .setHost(fromUrl.getHost())
            .setPort(fromUrl.getPort())
            .setDatabase(
                fromUrl.getDatabase() != null
                    ? fromUrl.getDatabase()
                    : primaryOptions.getDatabase());
    PoolOptions pool = new PoolOptions(input.poolOptions());
    if (pool.getName() != null) {
      pool.setName(pool.getName() + "-" + suffix);
    }
    return PgPool.pool(input.vertx(), options, pool);
  }

  private static String where(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }

  /** The primary's own pool, once the datasource was made. */
  Pool primary() {
    return primary;
  }

  /** The replica's own pool, or null when there is none (or the datasource was not made yet). */
  Pool replica() {
    return replica;
  }
}
