-- The shard of every row written before V4 (the trigger sets it for the rows written since). Its
-- own migration, so its own transaction: the row locks it takes do not come with V4's table locks,
-- and writers go on while it runs. A table too large for one statement under the migrations'
-- statement_timeout is filled in batches by hand first (docs/sharding.md).
update orders set shard = tessera_shard_of(user_id) where shard is null;
update idempotency_key set shard = tessera_shard_of(user_id) where shard is null;
update user_projection set shard = tessera_shard_of(id) where shard is null;
