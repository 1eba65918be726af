package dev.tessera.sharding;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * The database that the current piece of work (a Vert.x duplicated context: a request, a record, a
 * job's run) takes its connections from. The service's pool (platform/reads {@code RoutingPool})
 * asks it for every connection, so Hibernate Reactive sessions opened inside {@link #on} use that
 * database; work that names none uses the home database.
 */
public final class DatabaseChoice {

  private static final String KEY = DatabaseChoice.class.getName();

  private DatabaseChoice() {}

  /** The database chosen for the current context, or {@code null}: the home database. */
  public static String current() {
    Context context = Vertx.currentContext();
    return context == null ? null : (String) context.getLocal(KEY);
  }

  /**
   * Runs {@code work} with connections from {@code database}. On an event-loop context (not a
   * request's or a record's own) it runs on a new duplicated context, so the choice never leaks to
   * other work.
   */
  public static <T> Uni<T> on(String database, Supplier<Uni<T>> work) {
    return Uni.createFrom()
        .deferred(
            () -> {
              Context context = Vertx.currentContext();
              if (context == null) {
                return Uni.createFrom()
                    .failure(
                        new IllegalStateException(
                            "database work outside a Vert.x context cannot choose its database"));
              }
              if (!VertxContext.isDuplicatedContext(context)) {
                Context own = VertxContext.createNewDuplicatedContext(context);
                return Uni.createFrom()
                    .deferred(() -> within(own, database, work))
                    .runSubscriptionOn(task -> own.runOnContext(ignored -> task.run()));
              }
              return within(context, database, work);
            });
  }

  private static <T> Uni<T> within(Context context, String database, Supplier<Uni<T>> work) {
    Object previous = context.getLocal(KEY);
    context.putLocal(KEY, database);
    return work.get()
        .onTermination()
        .invoke(
            () -> {
              if (previous == null) {
                context.removeLocal(KEY);
              } else {
                context.putLocal(KEY, previous);
              }
            });
  }
}
