package dev.tessera.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The shared edge's settings ({@code tessera.web.*}); the defaults suit every service today.
 *
 * <p>Quarkus REST creates its providers (filters, exception and body mappers) at static init, and a
 * config mapping injected there is lost when a test run restarts the application with other test
 * resources (SRCFG00027, quarkusio/quarkus#53112). So providers take the single values with
 * {@code @ConfigProperty(name = MAX_STRING_LENGTH, defaultValue = ...)}; beans take this mapping.
 */
@ConfigMapping(prefix = "tessera.web")
public interface WebConfig {

  /** Property of {@link #maxStringLength()}. */
  String MAX_STRING_LENGTH = "tessera.web.max-string-length";

  /** Default of {@link #maxStringLength()}. */
  String DEFAULT_MAX_STRING_LENGTH = "1000";

  /** Property of {@link #outageRetryAfter()}. */
  String OUTAGE_RETRY_AFTER = "tessera.web.outage-retry-after";

  /** Default of {@link #outageRetryAfter()}. */
  String DEFAULT_OUTAGE_RETRY_AFTER = "5s";

  /** The longest string a client may send in any field or parameter. */
  @WithDefault(DEFAULT_MAX_STRING_LENGTH)
  int maxStringLength();

  /** {@code Retry-After} of a 503 answered because a dependency (database, Redis) is down. */
  @WithDefault(DEFAULT_OUTAGE_RETRY_AFTER)
  Duration outageRetryAfter();
}
