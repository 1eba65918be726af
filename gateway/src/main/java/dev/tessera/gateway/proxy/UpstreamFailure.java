package dev.tessera.gateway.proxy;

import io.vertx.core.http.HttpClientResponse;

/** Why one attempt at an upstream failed in a way that counts against it. */
public abstract sealed class UpstreamFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UpstreamFailure(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /**
   * No connection to the instance could be had (refused, connect timeout, no route): not a byte of
   * the request left the gateway, so sending it to another instance is safe whatever its method.
   */
  public static final class NotSent extends UpstreamFailure {
    private static final long serialVersionUID = 1L;

    /** {@code instance} could not be connected to because of {@code cause}. */
    public NotSent(String instance, Throwable cause) {
      super(instance + " not connected: " + cause, cause);
    }
  }

  /**
   * The connection broke after the request was (maybe partly) written and before an answer came:
   * the instance may have acted on it, so only a request that may be repeated is sent again.
   */
  public static final class Unreachable extends UpstreamFailure {
    private static final long serialVersionUID = 1L;

    /** {@code instance} could not be reached because of {@code cause}. */
    public Unreachable(String instance, Throwable cause) {
      super(instance + " unreachable: " + cause, cause);
    }
  }

  /** The instance did not answer within the idle timeout. */
  public static final class TimedOut extends UpstreamFailure {
    private static final long serialVersionUID = 1L;

    /** {@code instance} went silent. */
    public TimedOut(String instance, Throwable cause) {
      super(instance + " timed out: " + cause, cause);
    }
  }

  /** The instance answered 5xx; the (paused) response is kept in case it is the last word. */
  public static final class ServerError extends UpstreamFailure {
    private static final long serialVersionUID = 1L;
    private final transient HttpClientResponse response;

    /** {@code instance} answered {@code response}, a 5xx. */
    public ServerError(String instance, HttpClientResponse response) {
      super(instance + " answered " + response.statusCode(), null);
      this.response = response;
    }

    /** The paused 5xx response. */
    public HttpClientResponse response() {
      return response;
    }

    /** Drops the response body so the connection can be reused. */
    public void discard() {
      response.handler(b -> {});
      response.exceptionHandler(e -> {});
      response.resume();
    }
  }
}
