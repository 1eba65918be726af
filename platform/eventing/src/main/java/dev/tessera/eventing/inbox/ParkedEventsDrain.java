package dev.tessera.eventing.inbox;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Applies parked records that this release understands (see {@link IdempotentConsumer}), soon after
 * start and then regularly: an older release still running next to this one may park more until it
 * is gone. Every replica runs it; row locks hand each record to one of them.
 */
@ApplicationScoped
public class ParkedEventsDrain {

  private static final Logger LOG = Logger.getLogger(ParkedEventsDrain.class);

  private final IdempotentConsumer consumer;

  ParkedEventsDrain(IdempotentConsumer consumer) {
    this.consumer = consumer;
  }

  @Scheduled(
      every = "${tessera.eventing.parking.drain-every:5s}",
      delayed = "${tessera.eventing.parking.drain-every:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> drainRegularly() {
    return consumer
        .drainParked()
        .invoke(
            applied -> {
              if (applied > 0) {
                LOG.infof("applied %d parked records", applied);
              }
            })
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf("parked records stay parked until the next run: %s", failure.toString());
              return 0;
            })
        .replaceWithVoid();
  }
}
