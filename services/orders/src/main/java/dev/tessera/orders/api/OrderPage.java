package dev.tessera.orders.api;

import java.util.List;

/**
 * A page of {@code GET /api/orders}, newest first.
 *
 * @param items the orders of this page
 * @param nextCursor pass it as {@code cursor} for the next page; {@code null} on the last page
 */
public record OrderPage(List<OrderResponse> items, String nextCursor) {}
