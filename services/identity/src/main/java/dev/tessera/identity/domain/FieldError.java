package dev.tessera.identity.domain;

/** One rejected input field and why, in words a client can show next to the field. */
public record FieldError(String field, String message) {}
