package dev.tessera.billing.persistence;

import dev.tessera.billing.domain.InvoiceLine;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A payment to record for a newly placed order.
 *
 * @param id the new payment's id
 * @param orderId the order
 * @param userId the customer
 * @param amount what to charge, in minor units
 * @param currency ISO-4217 code
 * @param lines the order's lines, for the invoice
 * @param placedAt when the order was placed
 */
public record NewPayment(
    UUID id,
    UUID orderId,
    UUID userId,
    long amount,
    String currency,
    List<InvoiceLine> lines,
    Instant placedAt) {}
