package dev.tessera.reads;

import dev.tessera.sharding.DatabaseChoice;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The datasource's pool as Quarkus and Hibernate Reactive see it: several pools behind one. The
 * home database's primary and its replica, if any, and the primary of each other database a sharded
 * service has (platform/sharding). A connection comes from another database inside {@link
 * DatabaseChoice#on} for it; from the home replica only inside {@link ReadTarget#run} for {@link
 * ReadTarget#REPLICA}; everything else (transactions, one-off queries, the health check) uses the
 * home primary. A replica read of a user on another database goes to that database's primary:
 * replicas are the home database's only.
 */
@SuppressWarnings("deprecation") // PgPool: the type Quarkus 3's pool recorder still casts to.
final class RoutingPool implements PgPool {

  private final String home;
  private final Pool primary;
  private final Pool replica;
  private final Map<String, Pool> others;

  /**
   * @param replica the home replica's pool, or null
   * @param others the other databases' pools, by name
   */
  RoutingPool(String home, Pool primary, Pool replica, Map<String, Pool> others) {
    this.home = home;
    this.primary = primary;
    this.replica = replica;
    this.others = Map.copyOf(others);
  }

  private Pool chosen() {
    String database = DatabaseChoice.current();
    if (database != null && !database.equals(home)) {
      Pool other = others.get(database);
      if (other == null) {
        throw new IllegalStateException("no pool for database " + database);
      }
      return other;
    }
    return replica != null && ReadTarget.current() == ReadTarget.REPLICA ? replica : primary;
  }

  private List<Pool> all() {
    List<Pool> all = new ArrayList<>();
    all.add(primary);
    if (replica != null) {
      all.add(replica);
    }
    all.addAll(others.values());
    return all;
  }

  @Override
  public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
    chosen().getConnection(handler);
  }

  @Override
  public Future<SqlConnection> getConnection() {
    return chosen().getConnection();
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return chosen().query(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return chosen().preparedQuery(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return chosen().preparedQuery(sql, options);
  }

  @Override
  public void close(Handler<AsyncResult<Void>> handler) {
    close().onComplete(handler);
  }

  @Override
  public Future<Void> close() {
    return Future.join(all().stream().map(Pool::close).toList()).mapEmpty();
  }

  @Override
  public PgPool connectHandler(Handler<SqlConnection> handler) {
    all().forEach(pool -> pool.connectHandler(handler));
    return this;
  }

  @Override
  public PgPool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
    throw new UnsupportedOperationException("a routing pool chooses its own connections");
  }

  @Override
  public int size() {
    return all().stream().mapToInt(Pool::size).sum();
  }
}
