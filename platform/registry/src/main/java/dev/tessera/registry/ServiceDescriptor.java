package dev.tessera.registry;

import java.util.List;

/**
 * One domain service as it describes itself in {@code services/<name>/service.yaml}: what the
 * launcher, the gateway's route table and the chart need to know about it, written once.
 *
 * @param name the service's name: a lowercase word, also its directory, database, consumer group
 *     and the first segment of its topics
 * @param module the Maven module's directory, relative to the repository ({@code services/<name>})
 * @param portIndex its offset among the local ports (1–9): under {@code ./tessera up}, instance
 *     {@code i} listens on the service port base + {@code portIndex} + 10 × {@code i}
 * @param publicReads paths under {@link #prefix()} whose GET and HEAD pass the gateway without a
 *     token
 * @param authRoutes credential endpoints, {@code "METHOD /path"}: no token, and limited per client
 *     address in the gateway's strict {@code auth} group
 * @param publishes the topics its outbox connector publishes, {@code <name>.<aggregate>.events}
 * @param consumes the other services' topics it reads
 * @param redis whether it needs Redis
 * @param smtp whether it sends mail
 */
public record ServiceDescriptor(
    String name,
    String module,
    int portIndex,
    List<String> publicReads,
    List<String> authRoutes,
    List<String> publishes,
    List<String> consumes,
    boolean redis,
    boolean smtp) {

  public ServiceDescriptor {
    publicReads = List.copyOf(publicReads);
    authRoutes = List.copyOf(authRoutes);
    publishes = List.copyOf(publishes);
    consumes = List.copyOf(consumes);
  }

  /** The path prefix it owns behind the gateway: {@code /api/<name>}. */
  public String prefix() {
    return "/api/" + name;
  }
}
