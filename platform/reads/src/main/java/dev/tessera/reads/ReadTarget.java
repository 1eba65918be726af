package dev.tessera.reads;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * The server that a piece of database work runs on. Work that names none — writes, reads inside a
 * write transaction, event consumers, health checks — runs on the primary.
 */
public enum ReadTarget {
  PRIMARY,
  REPLICA;

  private static final String KEY = ReadTarget.class.getName();

  /**
   * The target chosen for the current request (a Vert.x duplicated context), {@link #PRIMARY}
   * unless {@link #run} said otherwise.
   */
  static ReadTarget current() {
    Context context = Vertx.currentContext();
    Object target = context == null ? null : context.getLocal(KEY);
    return target instanceof ReadTarget t ? t : PRIMARY;
  }

  /**
   * Runs {@code work} with connections from this target's pool: Hibernate Reactive asks the pool
   * for its session's connection within the same context.
   */
  <T> Uni<T> run(Supplier<Uni<T>> work) {
    return Uni.createFrom()
        .deferred(
            () -> {
              Context context = Vertx.currentContext();
              if (context == null) {
                return work.get();
              }
              Object previous = context.getLocal(KEY);
              context.putLocal(KEY, this);
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
            });
  }

  /** The lower-case name used in metrics and headers. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
