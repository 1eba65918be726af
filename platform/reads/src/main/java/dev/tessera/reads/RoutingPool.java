package dev.tessera.reads;

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
import java.util.function.Function;

/**
 * The datasource's pool as Quarkus and Hibernate Reactive see it: two pools behind one, the
 * primary's and the replica's. A connection comes from the replica only inside {@link
 * ReadTarget#run} for {@link ReadTarget#REPLICA}; everything else (transactions, one-off queries,
 * the health check) uses the primary.
 */
@SuppressWarnings("deprecation") // PgPool: the type Quarkus 3's pool recorder still casts to.
final class RoutingPool implements PgPool {

  private final Pool primary;
  private final Pool replica;

  RoutingPool(Pool primary, Pool replica) {
    this.primary = primary;
    this.replica = replica;
  }

  private Pool chosen() {
    return ReadTarget.current() == ReadTarget.REPLICA ? replica : primary;
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
    return Future.join(primary.close(), replica.close()).mapEmpty();
  }

  @Override
  public PgPool connectHandler(Handler<SqlConnection> handler) {
    primary.connectHandler(handler);
    replica.connectHandler(handler);
    return this;
  }

  @Override
  public PgPool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
    throw new UnsupportedOperationException("a routing pool chooses its own connections");
  }

  @Override
  public int size() {
    return primary.size() + replica.size();
  }
}
