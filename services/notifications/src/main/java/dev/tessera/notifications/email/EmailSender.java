package dev.tessera.notifications.email;

import dev.tessera.eventing.Tracing;
import dev.tessera.notifications.domain.RetryPolicy;
import dev.tessera.notifications.persistence.EmailOutbox;
import dev.tessera.notifications.persistence.PendingEmail;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Sends the e-mails of the {@link EmailOutbox} after the transaction that recorded them committed:
 * the first attempt of each was claimed in that transaction ({@link #sendClaimed}); the retry job
 * claims what is due again (a failed attempt after its backoff, an attempt whose sender died, once
 * its lease passed), sends it, then records that it was sent.
 *
 * <p>Delivery is at least once at one boundary: if the process dies after the SMTP server accepted
 * an e-mail but before {@code status = 'sent'} commits (or PostgreSQL crashes before that
 * asynchronous commit is flushed, {@link EmailOutbox#markSent}), the claim's lease expires and the
 * e-mail is sent again. SMTP has no way to make the send and our record atomic. Every copy carries
 * the same Message-ID (derived from the event id, {@link
 * dev.tessera.notifications.domain.MessageIds}), so a receiving system or mail client that
 * de-duplicates by Message-ID shows it once. Redelivered events never cause a second e-mail: the
 * e-mail row is unique per event and commits with the consumer's inbox record.
 */
@ApplicationScoped
public class EmailSender {

  private static final Logger LOG = Logger.getLogger(EmailSender.class);

  private final EmailOutbox outbox;
  private final ReactiveMailer mailer;
  private final EmailConfig config;
  private final MeterRegistry meters;
  private final Tracer tracer;
  private final EmailRenderer renderer = new EmailRenderer();
  private final RetryPolicy retryPolicy;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean requested = new AtomicBoolean();

  EmailSender(
      EmailOutbox outbox,
      ReactiveMailer mailer,
      EmailConfig config,
      MeterRegistry meters,
      Tracer tracer) {
    this.tracer = tracer;
    this.outbox = outbox;
    this.mailer = mailer;
    this.config = config;
    this.meters = meters;
    this.retryPolicy =
        new RetryPolicy(config.initialBackoff(), config.maxBackoff(), config.maxAttempts());
  }

  /**
   * Sends what is due now, in the background; calls while a pass runs make it run once more, so a
   * burst of events costs a few passes, not one each.
   */
  public void sendDueSoon() {
    requested.set(true);
    if (running.compareAndSet(false, true)) {
      pass();
    }
  }

  /** How long an e-mail claimed for an attempt is left to its sender before it comes due again. */
  public Duration lease() {
    return config.lease();
  }

  /**
   * Sends an e-mail that its notification's transaction recorded claimed for this attempt (see
   * {@code NotificationStore.record}), and records the outcome; never fails (a failed send is
   * retried later, as any).
   */
  public Uni<Void> sendClaimed(PendingEmail email) {
    return handle(email)
        .onFailure()
        .recoverWithUni(
            failure -> {
              // Recording the outcome failed: the e-mail comes due again after its lease.
              LOG.warnf("e-mail %s: %s; the retry job takes it", email.id(), failure.toString());
              return Uni.createFrom().voidItem();
            });
  }

  /** The retry job: picks up failed attempts whose backoff has passed, and deferred e-mails. */
  @Scheduled(
      every = "${tessera.notifications.email.poll-interval:5s}",
      delayed = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void retryDue() {
    sendDueSoon();
  }

  private void pass() {
    requested.set(false);
    sendDue()
        .subscribe()
        .with(
            sent -> passEnded(),
            failure -> {
              LOG.warnf("e-mail pass failed, the retry job tries again: %s", failure.toString());
              passEnded();
            });
  }

  private void passEnded() {
    running.set(false);
    if (requested.get() && running.compareAndSet(false, true)) {
      pass();
    }
  }

  /** Claims and handles due e-mails, batch after batch, until none is due. */
  Uni<Void> sendDue() {
    return outbox
        .claimDue(config.batchSize(), config.lease())
        .chain(
            batch -> {
              if (batch.isEmpty()) {
                return Uni.createFrom().voidItem();
              }
              Uni<Void> handled =
                  Multi.createFrom()
                      .iterable(batch)
                      .onItem()
                      .transformToUniAndMerge(this::handle)
                      .collect()
                      .asList()
                      .replaceWithVoid();
              return batch.size() < config.batchSize() ? handled : handled.chain(this::sendDue);
            });
  }

  private Uni<Void> handle(PendingEmail email) {
    if (email.recipient().isEmpty()) {
      return outbox.awaitRecipient(email, config.recipientRecheck());
    }
    if (!email.preferences().allows(email.kind().category())) {
      meters
          .counter("tessera.notifications.emails.skipped", "kind", email.kind().code())
          .increment();
      return outbox.markSkipped(email, "e-mail off for " + email.kind().category().code());
    }
    PendingEmail.Recipient to = email.recipient().get();
    Uni<Void> sending;
    try {
      RenderedEmail rendered = renderer.render(email.kind(), to.displayName(), email.values());
      Mail mail =
          Mail.withText(to.email(), rendered.subject(), rendered.text())
              .setHtml(rendered.html())
              .addHeader("Message-ID", email.messageId());
      sending = mailer.send(mail).ifNoItem().after(config.sendTimeout()).fail();
    } catch (RuntimeException e) {
      sending = Uni.createFrom().failure(e);
    }
    // The send joins the trace of the event that asked for the e-mail, not the pass's.
    Span span =
        tracer
            .spanBuilder("email send")
            .setParent(Tracing.fromTraceparent(email.traceparent()))
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("tessera.notification.kind", email.kind().code())
            .setAttribute("tessera.email.attempt", email.attempt())
            .setAttribute("tessera.email.message_id", email.messageId())
            .startSpan();
    return sending
        .onItemOrFailure()
        .invoke(
            (ignored, failure) -> {
              if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, failure.toString());
              }
              span.end();
            })
        .onItem()
        .transformToUni(
            ignored -> {
              meters
                  .counter("tessera.notifications.emails.sent", "kind", email.kind().code())
                  .increment();
              latency(email.kind().code()).record(since(email.createdAt()));
              return outbox.markSent(email);
            })
        .onFailure()
        .recoverWithUni(failure -> failed(email, failure));
  }

  /**
   * From the notification's record to the SMTP server's acceptance, retries and deferrals included:
   * the SLI of the "e-mail sent within a minute" objective (docs/slo.md), so its buckets include 60
   * s exactly.
   */
  private Timer latency(String kind) {
    return Timer.builder("tessera.notifications.email.latency")
        .description("Seconds from a notification's record to its e-mail's acceptance by SMTP")
        .tag("kind", kind)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(meters);
  }

  /** Time since {@code start}, never negative (the database's clock may run ahead of ours). */
  private static Duration since(Instant start) {
    Duration elapsed = Duration.between(start, Instant.now());
    return elapsed.isNegative() ? Duration.ZERO : elapsed;
  }

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(15),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15),
    Duration.ofHours(1)
  };

  private Uni<Void> failed(PendingEmail email, Throwable failure) {
    meters.counter("tessera.notifications.emails.failed", "kind", email.kind().code()).increment();
    String error = String.valueOf(failure);
    if (retryPolicy.mayRetryAfter(email.attempt())) {
      LOG.warnf(
          "e-mail %s (attempt %d) failed, retrying later: %s", email.id(), email.attempt(), error);
      return outbox.retryLater(email, retryPolicy.delayAfter(email.attempt()), error);
    }
    LOG.errorf("e-mail %s failed %d times, giving up: %s", email.id(), email.attempt(), error);
    return outbox.markFailed(email, error);
  }
}
