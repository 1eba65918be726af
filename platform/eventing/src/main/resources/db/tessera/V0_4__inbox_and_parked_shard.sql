-- Sharded services (docs/sharding.md): the logical shard of the data an inbox row or a parked
-- event belongs to, so that moving a shard range to another database takes the consumers' memory
-- of what they applied (and what waits to be applied) along with the rows it changed. Written by
-- IdempotentConsumer for consumers routed by user; null for the others and for rows written before.
alter table inbox add column shard smallint;
alter table parked_event add column shard smallint;
