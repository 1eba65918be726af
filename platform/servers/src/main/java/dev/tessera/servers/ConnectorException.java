package dev.tessera.servers;

/** A connector that Kafka Connect rejected, failed to run, or did not start in time. */
public class ConnectorException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public ConnectorException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public ConnectorException(String message, Throwable cause) {
    super(message, cause);
  }
}
