package dev.tessera.identity.accounts;

import dev.tessera.identity.IdentityConfig;
import dev.tessera.identity.accounts.AccountException.Kind;
import dev.tessera.identity.domain.AccessTokenClaims;
import dev.tessera.identity.domain.FieldError;
import dev.tessera.identity.domain.InvalidInputException;
import dev.tessera.identity.domain.RefreshDecision;
import dev.tessera.identity.domain.RevocationCutoff;
import dev.tessera.identity.domain.Role;
import dev.tessera.identity.domain.SignUpRules;
import dev.tessera.identity.domain.UserStatus;
import dev.tessera.identity.events.UserEvents;
import dev.tessera.identity.persistence.IdentityStore;
import dev.tessera.identity.persistence.RefreshTokenEntity;
import dev.tessera.identity.persistence.UserEntity;
import dev.tessera.identity.security.HashingPool;
import dev.tessera.identity.security.LoginThrottle;
import dev.tessera.identity.security.OpaqueTokens;
import dev.tessera.identity.security.PasswordHasher;
import dev.tessera.identity.security.Revocations;
import dev.tessera.identity.security.SigningKeys;
import dev.tessera.identity.security.TokenIssuer;
import dev.tessera.reads.ReadRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The account use cases: sign-up, log-in, refresh, log-out, profile, password change, suspension
 * and reinstatement. Slow password hashing runs on the bounded {@link HashingPool}; everything else
 * stays on the event loop with Hibernate Reactive.
 */
// Created at startup, on the main thread: key generation and the dummy hash are slow, and must
// not run on an event loop at the first request.
@Startup
@ApplicationScoped
public class Accounts {

  private static final Logger LOG = Logger.getLogger(Accounts.class);

  /** Longest password accepted at log-in; longer input is refused before any hashing. */
  private static final int LOGIN_PASSWORD_MAX = 1024;

  private final Mutiny.SessionFactory sessions;
  private final ReadRouter reads;
  private final IdentityStore store;
  private final UserEvents events;
  private final Revocations revocations;
  private final LoginThrottle throttle;
  private final IdentityConfig config;
  private final HashingPool hashing;
  private final MeterRegistry metrics;
  private final PasswordHasher hasher = new PasswordHasher();
  private final TokenIssuer issuer;
  // Verified against when the e-mail is unknown, so that both failures cost one Argon2 run.
  private final String dummyHash;

  Accounts(
      Mutiny.SessionFactory sessions,
      ReadRouter reads,
      IdentityStore store,
      UserEvents events,
      Revocations revocations,
      LoginThrottle throttle,
      SigningKeys keys,
      IdentityConfig config,
      HashingPool hashing,
      MeterRegistry metrics) {
    this.sessions = sessions;
    this.reads = reads;
    this.store = store;
    this.events = events;
    this.revocations = revocations;
    this.throttle = throttle;
    this.config = config;
    this.hashing = hashing;
    this.metrics = metrics;
    this.issuer = new TokenIssuer(keys);
    this.dummyHash = hasher.hash(OpaqueTokens.newToken());
  }

  /** Registers a user and records {@code UserRegistered} in the same transaction. */
  public Uni<UserEntity> signUp(String email, String password, String displayName) {
    long started = hashing.now();
    String normalised = SignUpRules.normaliseEmail(email);
    SignUpRules.checkSignUp(normalised, password, displayName);
    return hashing
        .run(started, () -> hasher.hash(password))
        .flatMap(
            hash ->
                create(normalised, displayName.strip(), hash, List.of(Role.USER), Instant.now()))
        .invoke(() -> metrics.counter("identity.signups").increment());
  }

  private Uni<UserEntity> create(
      String email, String displayName, String hash, List<Role> roles, Instant now) {
    UserEntity user = new UserEntity();
    user.id = UUID.randomUUID();
    user.email = email;
    user.displayName = displayName;
    user.passwordHash = hash;
    user.roles = Role.format(roles);
    user.status = UserStatus.ACTIVE;
    user.createdAt = now.truncatedTo(ChronoUnit.MICROS);
    user.updatedAt = user.createdAt;
    return sessions
        .withTransaction(
            session ->
                session
                    .persist(user)
                    .chain(session::flush)
                    .chain(
                        () ->
                            events.registered(
                                session, user.id, user.email, user.displayName, user.createdAt))
                    .replaceWith(user))
        .onFailure(Accounts::isDuplicateEmail)
        .transform(
            e -> new AccountException(Kind.EMAIL_TAKEN, "e-mail address already registered"));
  }

  /** Checks credentials and issues a token pair starting a new refresh-token family. */
  public Uni<IssuedTokens> logIn(String email, String password) {
    long started = hashing.now();
    List<FieldError> missing = new ArrayList<>();
    if (email == null || email.isBlank()) {
      missing.add(new FieldError("email", "must not be empty"));
    }
    if (password == null || password.isEmpty()) {
      missing.add(new FieldError("password", "must not be empty"));
    } else if (password.length() > LOGIN_PASSWORD_MAX) {
      missing.add(new FieldError("password", "is too long"));
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException(missing);
    }
    String normalised = SignUpRules.normaliseEmail(email);
    return throttled(
        normalised,
        Uni.createFrom()
            .deferred(() -> sessions.withSession(s -> store.findUserByEmail(s, normalised)))
            .flatMap(user -> checkPassword(started, user, password, normalised)));
  }

  /**
   * Runs {@code attempt} under a reservation of the address's throttle: refused with {@code 429}
   * when the address has used its failures, and the reservation given back when the attempt ends
   * without a verdict on the password (overload, outage). A wrong password keeps it.
   */
  private <T> Uni<T> throttled(String normalisedEmail, Uni<T> attempt) {
    return throttle
        .reserve(normalisedEmail)
        .flatMap(
            wait -> {
              if (wait > 0) {
                countLogin("throttled");
                return Uni.createFrom()
                    .failure(
                        new AccountException(
                            Kind.TOO_MANY_ATTEMPTS, "too many failed log-ins", wait));
              }
              return attempt
                  .onFailure(e -> !Accounts.judgedThePassword(e))
                  .call(() -> throttle.release(normalisedEmail));
            });
  }

  /** Whether a failure came after the password was found wrong (so the attempt counts). */
  private static boolean judgedThePassword(Throwable failure) {
    return failure instanceof AccountException a && a.kind() == Kind.INVALID_CREDENTIALS
        || failure instanceof WrongCurrentPassword;
  }

  private Uni<IssuedTokens> checkPassword(
      long started, UserEntity user, String password, String normalised) {
    return hashing
        .run(
            started,
            () -> {
              // Always one full verification, so timing does not tell whether the e-mail is
              // known.
              boolean matches =
                  hasher.verify(password, user == null ? dummyHash : user.passwordHash);
              return matches && user != null;
            })
        .flatMap(
            ok -> {
              if (!ok) {
                countLogin("invalid");
                return Uni.createFrom()
                    .failure(new AccountException(Kind.INVALID_CREDENTIALS, "invalid credentials"));
              }
              if (user.status == UserStatus.SUSPENDED) {
                countLogin("suspended");
                return throttle
                    .succeeded(normalised)
                    .chain(
                        () ->
                            Uni.createFrom()
                                .failure(new AccountException(Kind.SUSPENDED, "user suspended")));
              }
              countLogin("success");
              return throttle
                  .succeeded(normalised)
                  .chain(
                      () ->
                          sessions.withTransaction(
                              session -> issue(session, user, UUID.randomUUID(), Instant.now())));
            });
  }

  /**
   * Rotates a refresh token: the presented one is used up and a new pair of the same family is
   * issued. A token presented a second time revokes its whole family.
   */
  public Uni<IssuedTokens> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 256) {
      throw new InvalidInputException("refreshToken", "must be a refresh token");
    }
    String hash = OpaqueTokens.hash(refreshToken);
    Instant now = Instant.now();
    return sessions
        .withTransaction(
            session ->
                store
                    .findRefreshTokenForUpdate(session, hash)
                    .flatMap(
                        token -> {
                          RefreshDecision decision =
                              token == null
                                  ? RefreshDecision.UNKNOWN
                                  : RefreshDecision.decide(
                                      true, token.usedAt, token.revokedAt, token.expiresAt, now);
                          metrics
                              .counter("identity.refreshes", "outcome", decision.name())
                              .increment();
                          return switch (decision) {
                            case UNKNOWN, EXPIRED -> Uni.createFrom().item(Rotation.REFUSED);
                            case REUSED -> {
                              LOG.warnf(
                                  "Refresh token reused: revoking family %s of user %s",
                                  token.familyId, token.userId);
                              yield store
                                  .revokeFamily(session, token.familyId, now)
                                  .replaceWith(Rotation.REFUSED);
                            }
                            case ROTATE ->
                                store
                                    .findUser(session, token.userId)
                                    .flatMap(
                                        user -> {
                                          token.usedAt = now;
                                          if (user.status == UserStatus.SUSPENDED) {
                                            token.revokedAt = now;
                                            return Uni.createFrom().item(Rotation.SUSPENDED);
                                          }
                                          return issue(session, user, token.familyId, now)
                                              .map(Rotation::issued);
                                        });
                          };
                        }))
        // Thrown after the commit, so that a family revoked for reuse stays revoked.
        .map(
            rotation -> {
              if (rotation.tokens() != null) {
                return rotation.tokens();
              }
              throw rotation == Rotation.SUSPENDED
                  ? new AccountException(Kind.SUSPENDED, "user suspended")
                  : new AccountException(Kind.INVALID_REFRESH_TOKEN, "invalid refresh token");
            });
  }

  /**
   * Logs out: every access token of the session ({@code sid}) dies everywhere, and so does the
   * session's refresh-token family. A token without a session only revokes itself.
   */
  public Uni<Void> logOut(String jti, Instant expiresAt, UUID sessionId) {
    // No token of the session outlives one lifetime from now (iat may be the cut-off, 1 s ahead).
    Instant latestExpiry = Instant.now().plus(config.accessTokenTtl()).plusSeconds(1);
    return sessions.withTransaction(
        session -> {
          Uni<Void> token = revocations.revokeToken(session, jti, expiresAt);
          if (sessionId == null) {
            return token;
          }
          return token
              .chain(() -> store.revokeFamily(session, sessionId, Instant.now()))
              .chain(() -> revocations.revokeSession(session, sessionId, latestExpiry));
        });
  }

  /** The user's profile. */
  public Uni<UserEntity> profile(UUID userId) {
    return sessions.withSession(session -> store.findUser(session, userId)).map(Accounts::exists);
  }

  /**
   * The user's profile for the cache of {@code GET /users/me}: on the primary, or on the replica
   * while the primary is down ({@link dev.tessera.reads.ReadRouter#readLatest}: a lagging replica's
   * copy could predate the rename that emptied the cache, and would be kept for every reader).
   */
  public Uni<UserEntity> profileToCache(UUID userId) {
    return reads.readLatest(session -> store.findUser(session, userId)).map(Accounts::exists);
  }

  /** Changes the display name. */
  public Uni<UserEntity> rename(UUID userId, String displayName) {
    List<FieldError> errors = SignUpRules.checkDisplayName("displayName", displayName);
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return sessions.withTransaction(
        session ->
            store
                .findUserForUpdate(session, userId)
                .map(Accounts::exists)
                .invoke(
                    user -> {
                      user.displayName = displayName.strip();
                      user.updatedAt = Instant.now();
                    }));
  }

  /**
   * Changes the password after checking the current one; every token of the user issued before now
   * dies (the user-wide cut-off), and so do all refresh tokens.
   */
  public Uni<Void> changePassword(UUID userId, String currentPassword, String newPassword) {
    if (currentPassword == null
        || currentPassword.isEmpty()
        || currentPassword.length() > LOGIN_PASSWORD_MAX) {
      throw new InvalidInputException("currentPassword", "must not be empty");
    }
    long started = hashing.now();
    return profile(userId)
        .flatMap(
            user ->
                throttled(
                        user.email,
                        hashing
                            .run(
                                started,
                                () -> {
                                  if (!hasher.verify(currentPassword, user.passwordHash)) {
                                    return null;
                                  }
                                  List<FieldError> errors =
                                      SignUpRules.checkPassword(
                                          "newPassword", newPassword, user.email);
                                  if (!errors.isEmpty()) {
                                    throw new InvalidInputException(errors);
                                  }
                                  return hasher.hash(newPassword);
                                })
                            .onItem()
                            .ifNull()
                            .failWith(WrongCurrentPassword::new)
                            .call(() -> throttle.succeeded(user.email)))
                    .flatMap(
                        hash -> {
                          Instant now = Instant.now();
                          Instant cutoff = RevocationCutoff.after(now);
                          return sessions.withTransaction(
                              session ->
                                  store
                                      .findUserForUpdate(session, userId)
                                      .map(Accounts::exists)
                                      .flatMap(
                                          locked -> {
                                            locked.passwordHash = hash;
                                            locked.tokensNotBefore = cutoff;
                                            locked.updatedAt = now;
                                            return store.revokeAllOfUser(session, userId, now);
                                          })
                                      // In the transaction: if Redis fails, nothing changes.
                                      .chain(
                                          () ->
                                              revocations.cutOff(
                                                  session,
                                                  userId,
                                                  cutoff,
                                                  config.accessTokenTtl())));
                        }));
  }

  /**
   * Suspends a user: tokens die, refresh tokens are revoked, and {@code UserSuspended} is
   * published. Suspending a suspended user changes nothing.
   */
  public Uni<UserEntity> suspend(UUID userId, String reason) {
    String why = reason == null || reason.isBlank() ? "suspended by an administrator" : reason;
    if (why.length() > 500) {
      throw new InvalidInputException("reason", "must be at most 500 characters long");
    }
    Instant now = Instant.now();
    Instant cutoff = RevocationCutoff.after(now);
    return sessions.withTransaction(
        session ->
            store
                .findUserForUpdate(session, userId)
                .map(Accounts::exists)
                .flatMap(
                    user -> {
                      if (user.status == UserStatus.SUSPENDED) {
                        return Uni.createFrom().item(user);
                      }
                      user.status = UserStatus.SUSPENDED;
                      user.tokensNotBefore = cutoff;
                      user.updatedAt = now;
                      return store
                          .revokeAllOfUser(session, userId, now)
                          .chain(() -> store.databaseNow(session))
                          .chain(at -> events.suspended(session, userId, why.strip(), at))
                          .chain(
                              () ->
                                  revocations.cutOff(
                                      session, userId, cutoff, config.accessTokenTtl()))
                          .replaceWith(user);
                    }));
  }

  /**
   * Lifts a user's suspension: the user may log in again, and {@code UserReinstated} is published.
   * Tokens the suspension revoked stay revoked (the cut-off stays). Reinstating a user who is not
   * suspended changes nothing.
   */
  public Uni<UserEntity> reinstate(UUID userId) {
    Instant now = Instant.now();
    return sessions.withTransaction(
        session ->
            store
                .findUserForUpdate(session, userId)
                .map(Accounts::exists)
                .flatMap(
                    user -> {
                      if (user.status != UserStatus.SUSPENDED) {
                        return Uni.createFrom().item(user);
                      }
                      user.status = UserStatus.ACTIVE;
                      user.updatedAt = now;
                      return store
                          .databaseNow(session)
                          .chain(at -> events.reinstated(session, userId, at))
                          .replaceWith(user);
                    }));
  }

  /**
   * Creates the configured administrator unless a user with that e-mail exists (idempotent, safe
   * with several instances starting at once).
   */
  public Uni<Boolean> ensureAdmin(String email, String passwordHash, String displayName) {
    String normalised = SignUpRules.normaliseEmail(email);
    return sessions
        .withSession(session -> store.findUserByEmail(session, normalised))
        .flatMap(
            existing -> {
              if (existing != null) {
                return Uni.createFrom().item(false);
              }
              return create(
                      normalised,
                      displayName,
                      passwordHash,
                      List.of(Role.USER, Role.ADMIN),
                      Instant.now())
                  .replaceWith(true)
                  .onFailure(e -> e instanceof AccountException a && a.kind() == Kind.EMAIL_TAKEN)
                  .recoverWithItem(false);
            });
  }

  /** Hashes on the calling thread: for the bootstrap administrator, at startup, on main. */
  public String hashPassword(String password) {
    return hasher.hash(password);
  }

  private Uni<IssuedTokens> issue(
      Mutiny.Session session, UserEntity user, UUID family, Instant now) {
    String refresh = OpaqueTokens.newToken();
    RefreshTokenEntity token = new RefreshTokenEntity();
    token.tokenHash = OpaqueTokens.hash(refresh);
    token.familyId = family;
    token.userId = user.id;
    token.issuedAt = now;
    token.expiresAt = now.plus(config.refreshTokenTtl());
    AccessTokenClaims claims =
        AccessTokenClaims.issue(
            config.issuer(),
            config.audience(),
            user.id,
            user.roleList(),
            family,
            now,
            user.tokensNotBefore,
            config.accessTokenTtl());
    String access = issuer.sign(claims);
    return session
        .persist(token)
        .replaceWith(
            new IssuedTokens(
                access, refresh, claims.expiresAt().getEpochSecond() - now.getEpochSecond()));
  }

  private void countLogin(String outcome) {
    metrics.counter("identity.logins", "outcome", outcome).increment();
  }

  private static UserEntity exists(UserEntity user) {
    if (user == null) {
      throw new AccountException(Kind.USER_NOT_FOUND, "no such user");
    }
    return user;
  }

  private static boolean isDuplicateEmail(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("users_email_unique")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The current password given for a password change is wrong: counted by the throttle. */
  private static final class WrongCurrentPassword extends InvalidInputException {
    WrongCurrentPassword() {
      super("currentPassword", "is not correct");
    }
  }

  /** The outcome of a rotation attempt, decided inside the transaction. */
  private record Rotation(IssuedTokens tokens, String refusal) {
    static final Rotation REFUSED = new Rotation(null, "refused");
    static final Rotation SUSPENDED = new Rotation(null, "suspended");

    static Rotation issued(IssuedTokens tokens) {
      return new Rotation(tokens, null);
    }
  }
}
