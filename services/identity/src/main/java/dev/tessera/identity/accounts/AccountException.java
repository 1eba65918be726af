package dev.tessera.identity.accounts;

/** A refusal of an account operation that the API turns into a problem response. */
public class AccountException extends RuntimeException {

  /** The kinds of refusal; each has one HTTP status and problem type. */
  public enum Kind {
    /** Unknown e-mail or wrong password: deliberately indistinguishable. */
    INVALID_CREDENTIALS,
    /** Unknown, expired, revoked or replayed refresh token. */
    INVALID_REFRESH_TOKEN,
    /** The user is suspended. */
    SUSPENDED,
    /** The e-mail address is taken. */
    EMAIL_TAKEN,
    /** No such user. */
    USER_NOT_FOUND,
    /** Too many failed log-ins for this e-mail address; see {@link #retryAfterSeconds()}. */
    TOO_MANY_ATTEMPTS
  }

  private final Kind kind;
  private final long retryAfterSeconds;

  public AccountException(Kind kind, String message) {
    this(kind, message, 0);
  }

  public AccountException(Kind kind, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** For {@link Kind#TOO_MANY_ATTEMPTS}: seconds until the next attempt is allowed. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Kind kind() {
    return kind;
  }
}
