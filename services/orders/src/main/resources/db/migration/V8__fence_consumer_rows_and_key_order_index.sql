-- A consumer routed by user (docs/sharding.md) writes its inbox row, and a parked record, with the
-- user's shard, so that moving a shard range to another database takes the consumers' memory of
-- what they applied (and of what waits to be applied) along with the rows it changed. Added here,
-- not to the platform's tables in db/tessera: only a sharded service routes its consumers, and a
-- platform migration numbered below the services' would be out of order on every database
-- migrated already. Nullable: rows of unrouted consumers, and rows written before, have none.
alter table inbox add column shard smallint;
alter table parked_event add column shard smallint;

-- The write fence (V6) now covers those rows too: a record for a shard this database
-- no longer owns is refused (TS001) and retried on the shard's owner, even when its handler wrote
-- nothing else (an event for an order it cannot find is skipped, but its inbox row still written).
-- Without it, such a row landed on the old owner after a move's fence, the move's verification
-- found the range changed behind the fence, and a record meant for the new owner was recorded as
-- applied where its order no longer is. Rows without a shard (unrouted consumers) are not fenced.
create trigger inbox_write_fence before insert or update on inbox
    for each row when (new.shard is not null) execute function tessera_fence_write();
create trigger parked_event_write_fence before insert or update on parked_event
    for each row when (new.shard is not null) execute function tessera_fence_write();

-- Deleting an order checks idempotency_key's foreign key to it: without an index, one scan of
-- idempotency_key per order deleted, which is what a move's clean-up of the source does for every
-- order of its range (platform/shard-mover README: 2.6 s for 6,000 orders, 56 ms with this index).
create index idempotency_key_order_id on idempotency_key (order_id);
