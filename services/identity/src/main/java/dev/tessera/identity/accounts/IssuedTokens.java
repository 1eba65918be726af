package dev.tessera.identity.accounts;

/** An access token and the refresh token issued with it. */
public record IssuedTokens(String accessToken, String refreshToken, long expiresInSeconds) {}
