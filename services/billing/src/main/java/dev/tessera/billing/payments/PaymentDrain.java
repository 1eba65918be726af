package dev.tessera.billing.payments;

import dev.tessera.billing.BillingConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The graceful stop of billing (SIGTERM): stop taking records from Kafka, stop claiming payments,
 * let the charges in flight finish, hand back what did not, and only then let the application stop
 * — within the pod's grace period ({@code billing.payments.drain-timeout} after the HTTP drain of
 * {@code quarkus.shutdown.timeout}). Records taken but not finished are not committed and come back
 * to the group's next owner of their partition, which the inbox makes harmless.
 */
@ApplicationScoped
public class PaymentDrain {

  /** The channels billing consumes; each is {@code pausable} in application.properties. */
  static final List<String> CHANNELS = List.of("orders-events", "identity-events");

  private static final Logger LOG = Logger.getLogger(PaymentDrain.class);

  private final PaymentProcessor processor;
  private final ChannelRegistry channels;
  private final BillingConfig config;

  PaymentDrain(PaymentProcessor processor, ChannelRegistry channels, BillingConfig config) {
    this.processor = processor;
    this.channels = channels;
    this.config = config;
  }

  // Early among the shutdown observers: the Kafka connector and the database pool must still run.
  void onStop(@Observes @Priority(10) ShutdownEvent event) {
    for (String channel : CHANNELS) {
      PausableChannel pausable = channels.getPausable(channel);
      if (pausable != null) {
        pausable.pause();
      }
    }
    int handedBack = processor.drain(config.payments().drainTimeout());
    LOG.infof("payments drained (%d handed back)", handedBack);
  }
}
