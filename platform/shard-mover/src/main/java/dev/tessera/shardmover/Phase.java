package dev.tessera.shardmover;

/** The steps of a move, in order; each is logged with its duration when it ends. */
public enum Phase {
  /** Leases, schema versions, privileges and leftovers checked: which database is the source. */
  PRECONDITIONS,
  /** The target's leases of the range are {@code RECEIVING}: its fence refuses writes there. */
  RECEIVING,
  /** The source publishes the range of the sharded tables (never the outbox). */
  PUBLISHED,
  /** The target subscribes to it, copying what exists and streaming what changes. */
  SUBSCRIBED,
  /** The initial copy of every table is done (each {@code pg_subscription_rel} is {@code r}). */
  COPIED,
  /** The subscription has applied what the source had written when the copy was done. */
  CAUGHT_UP,
  /** Counts and checksums compared while writes still run: a check before writes stop. */
  VERIFIED_BEFORE_FENCE,
  /** The fence: writes in flight done, the source's leases {@code MOVED}, the cut-over LSN. */
  FENCED,
  /** The subscription has applied everything up to the cut-over LSN. */
  REPLICATED_PAST_CUTOVER,
  /** The source's outbox connector has confirmed the cut-over LSN: its events are in Kafka. */
  OUTBOX_PAST_CUTOVER,
  /** Counts and checksums equal on both sides, with the range's writes stopped. */
  VERIFIED_AFTER_FENCE,
  /** The target's leases are {@code OWNED}: writes to the range go on there. */
  OWNED,
  /** The subscription and its slot are dropped. */
  UNSUBSCRIBED,
  /** The range's rows are deleted from the source, in batches. */
  SOURCE_DELETED,
  /** The publication is dropped and the tables' replica identity restored. */
  UNPUBLISHED,
  /** The move is complete. */
  DONE
}
