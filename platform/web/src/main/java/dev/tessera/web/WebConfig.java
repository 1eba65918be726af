package dev.tessera.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The shared edge's settings ({@code tessera.web.*}); the defaults suit every service today. */
@ConfigMapping(prefix = "tessera.web")
public interface WebConfig {

  /** The longest string a client may send in any field or parameter. */
  @WithDefault("1000")
  int maxStringLength();

  /** {@code Retry-After} of a 503 answered because a dependency (database, Redis) is down. */
  @WithDefault("5s")
  Duration outageRetryAfter();
}
