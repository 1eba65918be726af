package dev.tessera.web;

import io.quarkus.runtime.annotations.StaticInitSafe;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The shared edge's settings ({@code tessera.web.*}); the defaults suit every service today. Safe
 * at static init: Quarkus REST creates its providers (the body mapper among them) that early.
 */
@ConfigMapping(prefix = "tessera.web")
@StaticInitSafe
public interface WebConfig {

  /** The longest string a client may send in any field or parameter. */
  @WithDefault("1000")
  int maxStringLength();

  /** {@code Retry-After} of a 503 answered because a dependency (database, Redis) is down. */
  @WithDefault("5s")
  Duration outageRetryAfter();
}
