package dev.tessera.billing.api;

import dev.tessera.billing.domain.PaymentMethod;
import dev.tessera.billing.persistence.AccountEntity;
import dev.tessera.billing.persistence.AccountRepository;
import dev.tessera.reads.ReadRouter;
import dev.tessera.security.CurrentUser;
import dev.tessera.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hibernate.reactive.mutiny.Mutiny;

/** The caller's billing account and its payment method. */
@Path("/api/billing/account")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "account")
@SecurityRequirement(name = "bearer")
public class AccountResource {

  private final Mutiny.SessionFactory sessionFactory;
  private final ReadRouter reads;
  private final AccountRepository accounts;
  private final CurrentUser user;

  AccountResource(
      Mutiny.SessionFactory sessionFactory,
      ReadRouter reads,
      AccountRepository accounts,
      CurrentUser user) {
    this.sessionFactory = sessionFactory;
    this.reads = reads;
    this.accounts = accounts;
    this.user = user;
  }

  @GET
  @Operation(
      summary = "The caller's billing account",
      description =
          "An account that identity's UserRegistered has not reached yet shows the default"
              + " payment method, which is what a charge would use.")
  public Uni<AccountView> get() {
    UUID userId = user.id();
    return reads
        .read(session -> accounts.find(session, userId))
        .map(account -> view(userId, account));
  }

  @PUT
  @Path("/payment-method")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Set the payment method (a Stripe-style test token)")
  public Uni<AccountView> setPaymentMethod(PaymentMethodRequest request) {
    UUID userId = user.id();
    String token = request == null ? null : request.token();
    if (token == null || token.isBlank()) {
      throw ProblemException.invalidField("token", "is required");
    }
    if (!PaymentMethod.isSupported(token)) {
      throw ProblemException.invalidField(
          "token", "must be one of " + String.join(", ", PaymentMethod.SUPPORTED));
    }
    return sessionFactory
        .withTransaction(session -> accounts.setPaymentMethod(session, userId, token))
        .chain(() -> sessionFactory.withSession(session -> accounts.find(session, userId)))
        .map(account -> view(userId, account));
  }

  private static AccountView view(UUID userId, AccountEntity account) {
    if (account == null) {
      return new AccountView(userId, PaymentMethod.DEFAULT, PaymentMethod.SUPPORTED, null);
    }
    return new AccountView(
        userId, account.paymentMethod, PaymentMethod.SUPPORTED, account.updatedAt);
  }
}
