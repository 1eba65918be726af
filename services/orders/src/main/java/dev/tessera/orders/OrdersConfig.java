package dev.tessera.orders;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of the orders service ({@code tessera.orders.*}). */
@ConfigMapping(prefix = "tessera.orders")
public interface OrdersConfig {

  /** Idempotency-Key handling of order placement. */
  Idempotency idempotency();

  /** Pagination of the order list. */
  Pages pages();

  /** The copy of the catalog that prices orders. */
  Catalog catalog();

  /** The deadline of the order saga. */
  Saga saga();

  /** How long an order may wait for its payment. */
  interface Saga {
    /** An order not confirmed this long after it was placed is cancelled: payment_timeout. */
    @WithDefault("15M")
    Duration paymentDeadline();

    /** How often the deadline job looks for overdue orders. */
    @WithDefault("30S")
    Duration checkEvery();

    /** Overdue orders one run of the job cancels at most (the next run takes the rest). */
    @WithDefault("100")
    int batchSize();
  }

  /** The catalog in memory. */
  interface Catalog {
    /** How old the copy may get before it is read again (products change with migrations). */
    @WithDefault("5M")
    Duration maxAge();
  }

  /** Idempotency keys. */
  interface Idempotency {
    /** How long a key is remembered; a retry after that places a new order. */
    @WithDefault("P1D")
    Duration retention();
  }

  /** Pages of {@code GET /api/orders}. */
  interface Pages {
    /** Orders per page when the client gives no limit. */
    @WithDefault("20")
    int defaultLimit();

    /** The largest limit a client may ask for. */
    @WithDefault("100")
    int maxLimit();
  }
}
