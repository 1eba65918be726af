package dev.tessera.gateway.proxy;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * Keys for per-event-loop resources (an HTTP client, a Redis connection): a connection lives on the
 * loop that opened it, so a request served by another loop would cross threads to use it.
 */
public final class EventLoops {

  private static final Object NO_EVENT_LOOP = new Object();

  private EventLoops() {}

  /** The calling thread's event loop, or one shared key when not called on an event loop. */
  public static Object current() {
    Context context = Vertx.currentContext();
    return context instanceof ContextInternal internal && internal.isEventLoopContext()
        ? internal.nettyEventLoop()
        : NO_EVENT_LOOP;
  }
}
