package dev.tessera.billing.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A page of the caller's invoices, newest first.
 *
 * @param items the invoices of this page
 * @param nextCursor pass as {@code cursor} for the next page; absent on the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvoicePage(List<InvoiceView> items, String nextCursor) {}
