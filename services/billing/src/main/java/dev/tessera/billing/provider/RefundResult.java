package dev.tessera.billing.provider;

/**
 * The provider's answer to a refund.
 *
 * @param refundId the provider's id of the refund
 */
public record RefundResult(String refundId) {}
