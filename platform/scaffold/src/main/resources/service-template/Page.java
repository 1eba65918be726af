package dev.tessera.{{service}}.api;

import java.util.List;

/**
 * A page of {@code GET /api/{{service}}/{{aggregate}}s}, newest first.
 *
 * @param items the {{aggregate}}s of this page
 * @param nextCursor pass it as {@code cursor} for the next page; {@code null} on the last page
 */
public record {{Aggregate}}Page(List<{{Aggregate}}View> items, String nextCursor) {}
