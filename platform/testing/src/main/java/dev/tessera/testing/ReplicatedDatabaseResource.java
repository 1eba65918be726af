package dev.tessera.testing;

import dev.tessera.servers.Database;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Like {@link TesseraTestResource}, but the service's database lives on the {@link ReplicaPair}'s
 * primary and its API reads may go to the pair's standby ({@code tessera.reads.replica-url}).
 * Kafka, Redis and SMTP are the JVM's shared servers. Init arg: {@value #SERVICE}.
 */
public class ReplicatedDatabaseResource implements QuarkusTestResourceLifecycleManager {

  /** Init arg: the service's name; its database and role are named after it. */
  public static final String SERVICE = "service";

  private String service;

  @Override
  public void init(Map<String, String> initArgs) {
    service = initArgs.get(SERVICE);
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("ReplicatedDatabaseResource needs the service init arg");
    }
  }

  @Override
  public Map<String, String> start() {
    ReplicaPair pair = ReplicaPair.shared();
    String name = service.replace('-', '_');
    Database db = pair.primary().createDatabase(name, name, name + "-local");
    Map<String, String> config =
        new LinkedHashMap<>(TesseraTestResource.config(TesseraServers.shared(), db));
    config.put("tessera.reads.replica-url", pair.standby().reactiveUrl(name));
    // Long enough that the standby's apply delay keeps it in the read pool.
    config.put("tessera.reads.max-staleness", "5m");
    return config;
  }

  @Override
  public void stop() {}
}
