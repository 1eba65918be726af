package dev.tessera.reads;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes the service's reactive pool: the primary's alone, or — when {@code tessera.reads.replica-
 * url} names a replica — a {@link RoutingPool} over the primary's and the replica's, with the same
 * credentials, sizes and timeouts.
 */
@Singleton
@SuppressWarnings("deprecation") // PgPool: what Quarkus 3's pool recorder casts the result to.
public class RoutingPoolCreator implements PgPoolCreator {

  private static final Logger LOG = Logger.getLogger(RoutingPoolCreator.class);

  private final ReadsConfig config;
  private volatile Pool primary;
  private volatile Pool replica;

  RoutingPoolCreator(ReadsConfig config) {
    this.config = config;
  }

  @Override
  public Pool create(Input input) {
    List<PgConnectOptions> primaryOptions = input.pgConnectOptionsList();
    primary = PgPool.pool(input.vertx(), primaryOptions, input.poolOptions());
    Optional<String> replicaUrl = config.replicaUrl().filter(url -> !url.isBlank());
    if (replicaUrl.isEmpty()) {
      return primary;
    }
    PgConnectOptions fromUrl = PgConnectOptions.fromUri(replicaUrl.get());
    PgConnectOptions replicaOptions =
        new PgConnectOptions(primaryOptions.get(0))
            .setHost(fromUrl.getHost())
            .setPort(fromUrl.getPort())
            .setDatabase(
                fromUrl.getDatabase() != null
                    ? fromUrl.getDatabase()
                    : primaryOptions.get(0).getDatabase());
    PoolOptions replicaPool = new PoolOptions(input.poolOptions());
    if (replicaPool.getName() != null) {
      replicaPool.setName(replicaPool.getName() + "-replica");
    }
    replica = PgPool.pool(input.vertx(), replicaOptions, replicaPool);
    LOG.infof(
        "API reads may go to the replica at %s:%d/%s",
        replicaOptions.getHost(), replicaOptions.getPort(), replicaOptions.getDatabase());
    return new RoutingPool(primary, replica);
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
