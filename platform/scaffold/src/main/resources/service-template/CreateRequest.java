package dev.tessera.{{service}}.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/{{service}}/{{aggregate}}s}. platform/web also refuses control
 * characters in any string of any body, and answers every violation as a {@code 400} problem.
 *
 * @param name what the user calls it
 */
public record Create{{Aggregate}}Request(@NotBlank @Size(max = 200) String name) {}
