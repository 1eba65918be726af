package dev.tessera.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the identity service ({@code tessera.identity.*}). */
@ConfigMapping(prefix = "tessera.identity")
public interface IdentityConfig {

  /** {@code iss} of issued tokens. */
  @WithDefault("tessera-identity")
  String issuer();

  /** {@code aud} of issued tokens. */
  @WithDefault("tessera")
  String audience();

  /** Lifetime of an access token. */
  @WithDefault("PT15M")
  Duration accessTokenTtl();

  /** Lifetime of a refresh token (each rotation starts a new one). */
  @WithDefault("P14D")
  Duration refreshTokenTtl();

  /**
   * The RS256 private key, PKCS#8 PEM (env {@code TESSERA_IDENTITY_SIGNING_KEY}); absent: a key is
   * generated at startup, for local runs only.
   */
  Optional<String> signingKey();

  /**
   * Public keys (X.509 PEM) of earlier signing keys, still published in the JWKS until the tokens
   * they signed have expired (env {@code TESSERA_IDENTITY_PREVIOUS_PUBLIC_KEYS}, comma-separated).
   */
  Optional<List<String>> previousPublicKeys();

  /** Where password hashes run ({@code HashingPool}). */
  Hashing hashing();

  /** Bounds of the password-hashing pool: each running hash holds ~19 MiB of heap. */
  interface Hashing {
    /** Hashes that run at once (threads). */
    @WithDefault("2")
    int threads();

    /** Hashes that may wait for a thread; beyond them a password check is refused with 503. */
    @WithDefault("16")
    int queue();

    /**
     * Latest a password check may end, counted from its request's start (throttle, database, queue
     * and the hash at the pace of recent ones); one that would end later is refused with 503
     * instead of hashed. Leaves room for what follows under the gateway's upstream timeout (5 s).
     */
    @WithDefault("2S")
    Duration deadline();
  }

  /** The administrator created at startup, when both e-mail and password are configured. */
  Admin admin();

  /** Bootstrap administrator. */
  interface Admin {
    /** E-mail of the administrator (env {@code TESSERA_IDENTITY_ADMIN_EMAIL}). */
    Optional<String> email();

    /** Its password (env {@code TESSERA_IDENTITY_ADMIN_PASSWORD}); no default in production. */
    Optional<String> password();

    /** Its display name. */
    @WithDefault("Administrator")
    String displayName();
  }
}
