package dev.tessera.gateway.proxy;

import io.vertx.core.http.HttpClientResponse;

/** Why one attempt at an upstream failed in a way that counts against it. */
public abstract sealed class UpstreamFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UpstreamFailure(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** The instance refused the connection, dropped it, or did not answer in time. */
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
