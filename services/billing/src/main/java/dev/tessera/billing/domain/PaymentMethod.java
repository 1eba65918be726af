package dev.tessera.billing.domain;

import java.util.List;

/** The Stripe-style test tokens a billing account can hold as its payment method. */
public final class PaymentMethod {

  /** Always succeeds; every new account gets it. */
  public static final String VISA = "tok_visa";

  /** Declined by the provider with {@code card_declined}. */
  public static final String CHARGE_DECLINED = "tok_chargeDeclined";

  /** Declined by the provider with {@code insufficient_funds}. */
  public static final String INSUFFICIENT_FUNDS = "tok_insufficientFunds";

  /** The payment method of an account that nobody has changed. */
  public static final String DEFAULT = VISA;

  /** Every token an account may hold. */
  public static final List<String> SUPPORTED = List.of(VISA, CHARGE_DECLINED, INSUFFICIENT_FUNDS);

  private PaymentMethod() {}

  /** Whether {@code token} is one of the {@link #SUPPORTED} tokens (case matters). */
  public static boolean isSupported(String token) {
    return token != null && SUPPORTED.contains(token);
  }
}
