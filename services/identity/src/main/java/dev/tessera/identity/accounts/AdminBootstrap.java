package dev.tessera.identity.accounts;

import dev.tessera.identity.IdentityConfig;
import dev.tessera.identity.domain.FieldError;
import dev.tessera.identity.domain.SignUpRules;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Creates the administrator from configuration at startup, for local runs (env {@code
 * TESSERA_IDENTITY_ADMIN_EMAIL} and {@code TESSERA_IDENTITY_ADMIN_PASSWORD}). Nothing happens
 * without both; the production profile has no default password.
 */
@ApplicationScoped
public class AdminBootstrap {

  private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);

  void onStart(@Observes StartupEvent event, IdentityConfig config, Accounts accounts)
      throws Throwable {
    IdentityConfig.Admin admin = config.admin();
    if (admin.email().isEmpty() || admin.password().isEmpty()) {
      LOG.debug("No administrator configured");
      return;
    }
    String email = SignUpRules.normaliseEmail(admin.email().get());
    List<FieldError> problems =
        new java.util.ArrayList<>(SignUpRules.checkEmail("tessera.identity.admin.email", email));
    problems.addAll(
        SignUpRules.checkPassword(
            "tessera.identity.admin.password", admin.password().get(), email));
    if (!problems.isEmpty()) {
      // Fail the start: an administrator with a weak password is worse than none.
      throw new IllegalStateException("the configured administrator is invalid: " + problems);
    }
    String hash = accounts.hashPassword(admin.password().get());
    boolean created =
        VertxContextSupport.subscribeAndAwait(
            () -> accounts.ensureAdmin(email, hash, admin.displayName()));
    LOG.infof(created ? "Created administrator %s" : "Administrator %s already exists", email);
  }
}
