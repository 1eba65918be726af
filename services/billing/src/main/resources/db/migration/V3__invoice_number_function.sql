-- An invoice's number from its year and its place in the year: INV-2026-000042, at least six
-- digits (INV-2026-1234567 after the millionth). Invoices are numbered in the statement that
-- stores them (InvoiceRepository), so that the year's counter row stays locked for that statement
-- and the commit only.
create function invoice_number(year integer, sequence bigint) returns text
    language sql immutable strict parallel safe
    return 'INV-' || year::text || '-'
        || lpad(sequence::text, greatest(6, length(sequence::text)), '0');
