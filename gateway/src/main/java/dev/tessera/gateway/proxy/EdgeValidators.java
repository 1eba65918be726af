package dev.tessera.gateway.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP caching at the edge for public GETs: the gateway remembers the {@code ETag} of each public
 * answer that an upstream marked {@code Cache-Control: public, max-age=N}, for those N seconds, and
 * answers a client's {@code If-None-Match} naming it with {@code 304} itself, without calling the
 * upstream. It keeps validators only, never bodies: a client without a copy always gets one from
 * the upstream.
 *
 * <p>Staleness is what the upstream allowed: a resource that changes within max-age may be
 * confirmed unchanged until max-age has passed since the gateway last saw it, exactly as a CDN or
 * the client's own cache could.
 */
@ApplicationScoped
public class EdgeValidators {

  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])(?:s-maxage|max-age)=(\\d+)");

  /** What the gateway knows of one public resource. */
  record Known(String etag, String cacheControl, String lastModified, long freshUntilNanos) {}

  private final Cache<String, Known> known =
      Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofHours(1)).build();
  private final Counter answered;

  EdgeValidators(MeterRegistry meters) {
    this.answered =
        Counter.builder("gateway.edge.not.modified")
            .description("304 answers the gateway gave from the validators it keeps")
            .register(meters);
  }

  /**
   * The validators to answer {@code ifNoneMatch} for {@code uri} with a 304, if the gateway knows
   * them, they are fresh, and they match.
   */
  Optional<Known> notModified(String uri, String ifNoneMatch, String requestCacheControl) {
    if (ifNoneMatch == null || noCache(requestCacheControl)) {
      return Optional.empty();
    }
    Known k = known.getIfPresent(uri);
    if (k == null
        || System.nanoTime() - k.freshUntilNanos() >= 0
        || !matches(ifNoneMatch, k.etag())) {
      return Optional.empty();
    }
    answered.increment();
    return Optional.of(k);
  }

  /** Remembers the validators of an upstream's answer to a public GET of {@code uri}. */
  void learn(String uri, int status, MultiMap headers) {
    if (status != 200 && status != 304) {
      return;
    }
    String etag = headers.get("ETag");
    String cacheControl = headers.get("Cache-Control");
    long maxAge = maxAgeSeconds(cacheControl);
    if (etag == null || maxAge <= 0) {
      known.invalidate(uri);
      return;
    }
    known.put(
        uri,
        new Known(
            etag,
            cacheControl,
            headers.get("Last-Modified"),
            System.nanoTime() + Duration.ofSeconds(maxAge).toNanos()));
  }

  /** Seconds of {@code max-age} (or {@code s-maxage}) of a public answer; 0 when not cacheable. */
  static long maxAgeSeconds(String cacheControl) {
    if (cacheControl == null) {
      return 0;
    }
    String c = cacheControl.toLowerCase(Locale.ROOT);
    if (!c.contains("public")
        || c.contains("no-store")
        || c.contains("no-cache")
        || c.contains("private")) {
      return 0;
    }
    Matcher m = MAX_AGE.matcher(c);
    long seconds = 0;
    while (m.find()) {
      try {
        seconds = Math.max(seconds, Long.parseLong(m.group(1)));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return seconds;
  }

  /** Whether an {@code If-None-Match} value names {@code etag} (weak comparison, RFC 9110). */
  static boolean matches(String ifNoneMatch, String etag) {
    String wanted = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static boolean noCache(String requestCacheControl) {
    return requestCacheControl != null
        && requestCacheControl.toLowerCase(Locale.ROOT).contains("no-cache");
  }
}
