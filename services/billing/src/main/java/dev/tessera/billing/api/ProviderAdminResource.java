package dev.tessera.billing.api;

import dev.tessera.billing.provider.GuardedPaymentProvider;
import dev.tessera.billing.provider.ProviderMode;
import dev.tessera.billing.provider.SimulatedPaymentProvider;
import dev.tessera.web.ProblemException;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Fault flags of the simulated payment provider, for demonstrations and fault tests. The flag is
 * per instance, like the simulated provider itself.
 */
@Path("/api/billing/admin/provider-mode")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
public class ProviderAdminResource {

  private final SimulatedPaymentProvider provider;
  private final CircuitBreakerMaintenance breakers;

  ProviderAdminResource(SimulatedPaymentProvider provider, CircuitBreakerMaintenance breakers) {
    this.provider = provider;
    this.breakers = breakers;
  }

  @GET
  @Operation(summary = "The provider's fault mode and the circuit breakers' states")
  public ProviderModeView get() {
    return view();
  }

  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Set the provider's fault mode: healthy, slow, failing or down")
  public ProviderModeView set(ProviderModeRequest request) {
    String label = request == null ? null : request.mode();
    ProviderMode mode =
        ProviderMode.fromLabel(label)
            .orElseThrow(
                () ->
                    ProblemException.invalidField(
                        "mode",
                        "must be one of "
                            + Arrays.stream(ProviderMode.values())
                                .map(ProviderMode::label)
                                .collect(Collectors.joining(", "))));
    provider.mode(mode);
    return view();
  }

  private ProviderModeView view() {
    return new ProviderModeView(
        provider.mode().label(),
        breakers.currentState(GuardedPaymentProvider.CHARGE_BREAKER).name(),
        breakers.currentState(GuardedPaymentProvider.REFUND_BREAKER).name());
  }
}
