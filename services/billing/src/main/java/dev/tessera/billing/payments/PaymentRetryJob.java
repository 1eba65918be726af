package dev.tessera.billing.payments;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Charges and refunds what the provider could not take at once, with backoff. Every replica runs
 * it: {@code for update skip locked} hands each due payment to one of them.
 */
@ApplicationScoped
public class PaymentRetryJob {

  private final PaymentProcessor processor;

  PaymentRetryJob(PaymentProcessor processor) {
    this.processor = processor;
  }

  @Scheduled(
      every = "${billing.payments.retry-every:1s}",
      delayed = "${billing.payments.retry-delayed:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> retryDuePayments() {
    return processor.processDue().replaceWithVoid();
  }
}
