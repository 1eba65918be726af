package dev.tessera.billing.domain;

import java.util.regex.Pattern;

/** Invoice numbers: {@code INV-<year>-<six digits>}, sequential within a year. */
public final class InvoiceNumber {

  private static final Pattern FORMAT = Pattern.compile("INV-\\d{4}-\\d{6,}");

  private InvoiceNumber() {}

  /** The number of the {@code sequence}-th invoice of {@code year}, e.g. INV-2026-000042. */
  public static String format(int year, long sequence) {
    if (year < 1000 || year > 9999) {
      throw new IllegalArgumentException("year must have four digits: " + year);
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence starts at 1: " + sequence);
    }
    return String.format("INV-%d-%06d", year, sequence);
  }

  /** Whether {@code number} has the shape of an invoice number. */
  public static boolean isValid(String number) {
    return number != null && FORMAT.matcher(number).matches();
  }
}
