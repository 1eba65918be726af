package dev.tessera.reads;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where a service's API reads go ({@code tessera.reads.*}). */
@ConfigMapping(prefix = "tessera.reads")
public interface ReadsConfig {

  /**
   * The streaming replica's reactive URL ({@code postgresql://host:port/database}), reached with
   * the primary's credentials; absent: every read goes to the primary.
   */
  Optional<String> replicaUrl();

  /**
   * How far behind the primary a read without a consistency token may be: a replica that lags more
   * leaves the read pool until it has caught up.
   */
  @WithDefault("5s")
  Duration maxStaleness();

  /** How often the primary's WAL position and the replica's replay position are sampled. */
  @WithDefault("250ms")
  Duration checkEvery();

  /** How long one position check may take before its server counts as unreachable. */
  @WithDefault("2s")
  Duration checkTimeout();

  /**
   * Whether responses say which server served a read ({@code Tessera-Read-Served-By}); for tests
   * and debugging, off in production.
   */
  @WithDefault("false")
  boolean servedByHeader();
}
