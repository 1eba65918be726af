package dev.tessera.reads;

import dev.tessera.web.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The consistency token at the HTTP edge. A successful write answers {@code Tessera-Consistency:
 * <lsn>}, the primary's WAL position after its commit; a client that sends it back on its reads
 * never sees data older than that write (see {@link ReadRouter}).
 */
public class ConsistencyFilters {

  /** The header that carries a client's consistency token, both ways. */
  public static final String HEADER = "Tessera-Consistency";

  /** The debug header naming the server that served a read ({@code primary} or {@code replica}). */
  public static final String SERVED_BY_HEADER = "Tessera-Read-Served-By";

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final ReplicaMonitor replica;
  private final RoutingPoolCreator pools;
  private final ReadsConfig config;

  ConsistencyFilters(ReplicaMonitor replica, RoutingPoolCreator pools, ReadsConfig config) {
    this.replica = replica;
    this.pools = pools;
    this.config = config;
  }

  @ServerRequestFilter
  void token(ContainerRequestContext request) {
    String header = request.getHeaderString(HEADER);
    if (header == null || header.isEmpty()) {
      return;
    }
    Lsn lsn =
        Lsn.parse(header.trim())
            .orElseThrow(
                () ->
                    ProblemException.invalidField(
                        HEADER, "must be a token this API returned, e.g. 0/16B3748"));
    Context context = Vertx.currentContext();
    if (context != null) {
      context.putLocal(ReadRouter.TOKEN, lsn);
    }
  }

  @ServerResponseFilter
  Uni<Void> answer(ContainerRequestContext request, ContainerResponseContext response) {
    Context context = Vertx.currentContext();
    if (config.servedByHeader() && context != null) {
      Object servedBy = context.getLocal(ReadRouter.SERVED_BY);
      if (servedBy instanceof ReadTarget target) {
        response.getHeaders().putSingle(SERVED_BY_HEADER, target.label());
      }
    }
    if (!replica.configured()
        || !WRITES.contains(request.getMethod())
        || response.getStatus() >= 400
        || pools.primary() == null) {
      return Uni.createFrom().voidItem();
    }
    // After the commit (the response exists, so the transaction ended): the insert position is at
    // or past the commit record, whichever connection asks.
    return Uni.createFrom()
        .completionStage(
            () ->
                pools
                    .primary()
                    .query("select pg_current_wal_insert_lsn()::text")
                    .execute()
                    .toCompletionStage())
        .invoke(
            rows -> response.getHeaders().putSingle(HEADER, rows.iterator().next().getString(0)))
        .onFailure()
        .recoverWithNull()
        .replaceWithVoid();
  }
}
