package dev.tessera.billing.api;

import dev.tessera.billing.domain.InvoiceLine;
import dev.tessera.billing.persistence.InvoiceEntity;
import dev.tessera.billing.persistence.InvoiceRepository;
import dev.tessera.billing.persistence.PaymentRepository;
import dev.tessera.billing.persistence.RefundEntity;
import dev.tessera.reads.ReadRouter;
import dev.tessera.security.CurrentUser;
import dev.tessera.web.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's invoices. */
@Path("/api/billing/invoices")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "invoices")
@SecurityRequirement(name = "bearer")
public class InvoiceResource {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final ReadRouter router;
  private final InvoiceRepository invoices;
  private final PaymentRepository payments;
  private final CurrentUser user;
  private final InvoiceReads reads;

  InvoiceResource(
      ReadRouter router,
      InvoiceRepository invoices,
      PaymentRepository payments,
      CurrentUser user,
      InvoiceReads reads) {
    this.router = router;
    this.invoices = invoices;
    this.payments = payments;
    this.user = user;
    this.reads = reads;
  }

  @GET
  @Operation(summary = "The caller's invoices, newest first, by keyset cursor")
  public Uni<InvoicePage> list(
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    UUID userId = user.id();
    int size = limit(limit);
    InvoiceCursor after = cursor == null || cursor.isEmpty() ? null : InvoiceCursor.decode(cursor);
    return router.read(
        session ->
            invoices
                .page(
                    session,
                    userId,
                    after == null ? null : after.issuedAt(),
                    after == null ? null : after.id(),
                    size + 1)
                .chain(
                    found -> {
                      boolean more = found.size() > size;
                      List<InvoiceEntity> page = more ? found.subList(0, size) : found;
                      InvoiceEntity last = page.isEmpty() ? null : page.get(page.size() - 1);
                      String next =
                          more ? new InvoiceCursor(last.issuedAt, last.id).encode() : null;
                      return payments
                          .refunds(session, page.stream().map(i -> i.paymentId).toList())
                          .map(refunds -> new InvoicePage(views(page, refunds), next));
                    }));
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One of the caller's invoices, with its lines (404 for anyone else's)")
  public Uni<InvoiceView> get(@PathParam("id") String id) {
    UUID userId = user.id();
    UUID invoiceId;
    try {
      invoiceId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("no such invoice");
    }
    // Cached with its owner; anyone else's read gets the 404 of a missing invoice.
    return reads
        .owned(invoiceId, userId, () -> load(invoiceId))
        .map(
            invoice -> {
              if (invoice == null) {
                throw ProblemException.notFound("no such invoice");
              }
              return invoice;
            });
  }

  /**
   * The invoice with its lines and refund, and its owner; {@code null} if there is none. From the
   * primary: the cache keeps it for every reader ({@link ReadRouter#readLatest}).
   */
  private Uni<InvoiceReads.CachedInvoice> load(UUID invoiceId) {
    return router.readLatest(
        session ->
            session
                .find(InvoiceEntity.class, invoiceId)
                .chain(
                    invoice -> {
                      if (invoice == null) {
                        return Uni.createFrom().nullItem();
                      }
                      return payments
                          .lines(session, invoice.paymentId)
                          .chain(
                              lines ->
                                  payments
                                      .refunds(session, List.of(invoice.paymentId))
                                      .map(
                                          refunds ->
                                              new InvoiceReads.CachedInvoice(
                                                  invoice.userId,
                                                  view(
                                                      invoice,
                                                      lines,
                                                      refunds.get(invoice.paymentId)))));
                    }));
  }

  private static int limit(String limit) {
    if (limit == null || limit.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int value = Integer.parseInt(limit);
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below, like a number out of range
    }
    throw ProblemException.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  /** A page of invoices as listed: without their lines, with their refunds. */
  private static List<InvoiceView> views(
      List<InvoiceEntity> page, Map<UUID, RefundEntity> refunds) {
    return page.stream().map(i -> view(i, null, refunds.get(i.paymentId))).toList();
  }

  private static InvoiceView view(
      InvoiceEntity invoice, List<InvoiceLine> lines, RefundEntity refund) {
    String currency = invoice.currency;
    return new InvoiceView(
        invoice.id,
        invoice.number,
        invoice.orderId,
        invoice.paymentId,
        new Amount(invoice.subtotal, currency),
        new Amount(invoice.total, currency),
        invoice.issuedAt,
        lines == null
            ? null
            : lines.stream()
                .map(
                    line ->
                        new InvoiceView.Line(
                            line.sku(),
                            line.name(),
                            line.quantity(),
                            new Amount(line.unitAmount(), currency),
                            new Amount(line.amount(), currency)))
                .toList(),
        refund == null
            ? null
            : new InvoiceView.Refund(new Amount(refund.amount, refund.currency), refund.createdAt));
  }
}
