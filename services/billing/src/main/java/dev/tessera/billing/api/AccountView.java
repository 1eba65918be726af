package dev.tessera.billing.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * A user's billing account.
 *
 * @param userId the owner
 * @param paymentMethod the test token charged for new orders
 * @param supportedPaymentMethods every token the account may hold
 * @param updatedAt when the payment method was last set; absent until the account exists
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountView(
    UUID userId,
    String paymentMethod,
    java.util.List<String> supportedPaymentMethods,
    Instant updatedAt) {}
