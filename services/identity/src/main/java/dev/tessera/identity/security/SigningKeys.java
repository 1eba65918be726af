package dev.tessera.identity.security;

import dev.tessera.identity.IdentityConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

/**
 * The RS256 signing key and the public keys that verify tokens: the current one and, during a
 * rotation, the previous ones until their tokens have expired.
 *
 * <p>The private key comes from {@code tessera.identity.signing-key} (env {@code
 * TESSERA_IDENTITY_SIGNING_KEY}, a PKCS#8 PEM, e.g. from a Kubernetes Secret). Without one, a key
 * is generated at startup for local runs: tokens then die with the process, and several instances
 * would each sign with their own key — configure a key wherever more than one instance runs. Key
 * ids are RFC 7638 thumbprints, so every instance with the same key publishes the same kid.
 */
// Created at startup, on the main thread: key generation and the dummy hash are slow, and must
// not run on an event loop at the first request.
@Startup
@ApplicationScoped
public class SigningKeys {

  private static final Logger LOG = Logger.getLogger(SigningKeys.class);
  private static final int MIN_BITS = 2048;

  private final RsaJsonWebKey current;
  private final List<RsaJsonWebKey> published;

  @Inject
  SigningKeys(IdentityConfig config) {
    this(config.signingKey().orElse(null), config.previousPublicKeys().orElse(List.of()));
  }

  /** Keys from PEM text; a {@code null} private key generates one. */
  public SigningKeys(String privateKeyPem, List<String> previousPublicKeyPems) {
    try {
      if (privateKeyPem == null || privateKeyPem.isBlank()) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(MIN_BITS);
        KeyPair pair = generator.generateKeyPair();
        current = jwk((RSAPublicKey) pair.getPublic(), pair.getPrivate());
        LOG.warnf(
            "No signing key configured (tessera.identity.signing-key): generated an RSA key for"
                + " this process only, kid %s. Tokens will not survive a restart.",
            current.getKeyId());
      } else {
        PrivateKey privateKey =
            KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(pemBody(privateKeyPem)));
        if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
          throw new IllegalArgumentException("the signing key must be an RSA private key");
        }
        RSAPublicKey publicKey =
            (RSAPublicKey)
                KeyFactory.getInstance("RSA")
                    .generatePublic(
                        new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        current = jwk(publicKey, privateKey);
        LOG.infof("Signing with the configured RSA key, kid %s", current.getKeyId());
      }
      if (current.getRsaPublicKey().getModulus().bitLength() < MIN_BITS) {
        throw new IllegalArgumentException("the signing key must have at least 2048 bits");
      }
      List<RsaJsonWebKey> keys = new ArrayList<>();
      keys.add(current);
      for (String pem : previousPublicKeyPems) {
        if (pem == null || pem.isBlank()) {
          continue;
        }
        RSAPublicKey previous =
            (RSAPublicKey)
                KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pemBody(pem)));
        RsaJsonWebKey jwk = jwk(previous, null);
        if (!jwk.getKeyId().equals(current.getKeyId())) {
          keys.add(jwk);
        }
      }
      published = List.copyOf(keys);
    } catch (GeneralSecurityException | JoseException e) {
      // The message names the problem, never the key material.
      throw new IllegalStateException("cannot load the signing keys: " + e.getMessage(), e);
    }
  }

  /** The key tokens are signed with now. */
  public RsaJsonWebKey current() {
    return current;
  }

  /** Every public key that verifies tokens still alive, the current one first. */
  public List<RsaJsonWebKey> published() {
    return published;
  }

  /** The public JWK Set as JSON text, as served at {@code /.well-known/jwks.json}. */
  public String jwksJson() {
    return new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  private static RsaJsonWebKey jwk(RSAPublicKey publicKey, PrivateKey privateKey)
      throws JoseException {
    RsaJsonWebKey jwk = (RsaJsonWebKey) PublicJsonWebKey.Factory.newPublicJwk(publicKey);
    jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
    jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
    jwk.setUse("sig");
    if (privateKey != null) {
      jwk.setPrivateKey(privateKey);
    }
    return jwk;
  }

  /** The DER bytes of a PEM block; also accepts {@code \n} escapes, as env variables carry. */
  static byte[] pemBody(String pem) {
    String text = pem.replace("\\n", "\n");
    if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "the key must be an unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY); convert it with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(base64);
  }
}
