package dev.tessera.testing;

import dev.tessera.servers.Database;
import dev.tessera.servers.Servers;
import java.util.Map;

/**
 * Runs when {@link TesseraTestResource} has the servers and the service's database ready — the
 * place to register the service's outbox connector, for instance. Named by the resource's {@code
 * callback} init arg; needs a public no-argument constructor.
 */
public interface ServiceResourceCallback {

  /**
   * Prepares whatever else the service needs and returns configuration to add to (or override in)
   * the resource's own; may be empty.
   */
  Map<String, String> serversReady(String service, Servers servers, Database database);
}
