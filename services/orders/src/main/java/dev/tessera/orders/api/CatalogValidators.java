package dev.tessera.orders.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

/**
 * The HTTP validators of the public catalog: a strong {@code ETag} that is a digest of its content
 * (so every instance gives the same one for the same catalog), and a {@code Last-Modified} that is
 * when this instance first served that content (products carry no time of change).
 */
@ApplicationScoped
public class CatalogValidators {

  /** The validators of one catalog body. */
  public record Validators(String etag, Instant lastModified) {}

  private volatile List<ProductResponse> lastBody;
  private volatile Validators last;

  /** The validators of {@code body}; computed once per catalog read from the database. */
  public Validators of(List<ProductResponse> body) {
    Validators known = last;
    if (known != null && body.equals(lastBody)) {
      return known;
    }
    String etag = "\"" + digest(body) + "\"";
    Validators fresh =
        known != null && known.etag().equals(etag)
            ? known
            : new Validators(etag, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    lastBody = body;
    last = fresh;
    return fresh;
  }

  /** Whether {@code ifNoneMatch} (a request header) names {@code etag}, or is {@code *}. */
  public static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals("*") || c.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static String digest(List<ProductResponse> body) {
    StringBuilder text = new StringBuilder();
    for (ProductResponse p : body) {
      text.append(p.sku())
          .append('\t')
          .append(p.name())
          .append('\t')
          .append(p.price().amount())
          .append('\t')
          .append(p.price().currency())
          .append('\n');
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
