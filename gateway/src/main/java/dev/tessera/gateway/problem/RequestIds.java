package dev.tessera.gateway.problem;

import java.util.UUID;
import java.util.regex.Pattern;

/** Request ids: a client's {@code X-Request-Id} is kept when it is sane, else a UUID is made. */
public final class RequestIds {

  /** Header carrying the id, on requests and responses. */
  public static final String HEADER = "X-Request-Id";

  /** Routing-context key of the request's id. */
  public static final String KEY = "tessera.requestId";

  /** The attribute of the gateway's server span that carries the request id. */
  public static final String SPAN_ATTRIBUTE = "tessera.request_id";

  // Anything else (control characters, huge values) could poison logs or downstream headers.
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

  private RequestIds() {}

  /** The id to use for a request that carried {@code fromClient} (may be null). */
  public static String accept(String fromClient) {
    if (fromClient != null && SANE.matcher(fromClient).matches()) {
      return fromClient;
    }
    return UUID.randomUUID().toString();
  }
}
