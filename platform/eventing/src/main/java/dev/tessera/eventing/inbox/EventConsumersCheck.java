package dev.tessera.eventing.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Names every partition whose consumer is retrying a record, since when and why. It reports and
 * stays UP: a consumer waits for a dependency (its database, mostly) whose own check already says
 * whether this instance can serve; taking instances out of service because a consumer waits would
 * turn one dependency's outage into an outage of everything the instance still can serve.
 */
@Readiness
@ApplicationScoped
public class EventConsumersCheck implements HealthCheck {

  private final StalledRecords stalled;

  EventConsumersCheck(StalledRecords stalled) {
    this.stalled = stalled;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("event-consumers").up();
    var stalls = stalled.current();
    response.withData("stalledRecords", stalls.size());
    for (var stall : stalls) {
      response.withData(
          stall.position(),
          "retrying since "
              + stall.since()
              + ", "
              + stall.failures()
              + " failed attempts, last: "
              + stall.lastFailure());
    }
    return response.build();
  }
}
