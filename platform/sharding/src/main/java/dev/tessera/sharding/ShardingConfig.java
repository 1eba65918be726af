package dev.tessera.sharding;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** A service's databases when its data is sharded by user (docs/sharding.md). */
@ConfigMapping(prefix = "tessera.sharding")
public interface ShardingConfig {

  /**
   * The service's databases besides its home one (the datasource's), as comma-separated {@code
   * name=postgresql://host:port/database} entries; empty or absent: the service has one database.
   * They use the datasource's credentials and pool settings.
   */
  Optional<String> databases();

  /**
   * The home database's name: the service's, so that its outbox connector and slot stay the ones an
   * unsharded service has.
   */
  @WithDefault("${tessera.eventing.service}")
  String home();

  /** How often the router reads every database's shard leases (and at once after a refusal). */
  @WithDefault("5s")
  Duration refreshEvery();
}
