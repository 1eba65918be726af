package dev.tessera.servers;

/** A Redis server, for token revocation, rate limits and the L2 cache. */
public interface Redis {

  /** Host name that clients connect to. */
  String host();

  /** Port that clients connect to. */
  int port();

  /** {@code redis://host:port}, the form of {@code quarkus.redis.hosts}. */
  default String uri() {
    return "redis://" + host() + ":" + port();
  }
}
