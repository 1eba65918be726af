-- The write fence of a shard move (docs/sharding.md, ADR 0006): every insert or update of a row
-- of a user holds a shared advisory lock on the row's shard until its transaction ends, and is
-- refused unless this database's lease on the shard is OWNED. A move takes the exclusive lock of
-- each shard of its range, so it waits for the writes in flight to commit and holds new ones back
-- while it marks the leases MOVED; those then fail here, and their writers retry on the new owner.
-- In the database, not in the service: no writer (an older release, a script) can skip it.
--
-- Refused with SQLSTATE TS001, which the services treat as a dependency that cannot serve now
-- (503 with Retry-After to a client, retried by a consumer, never dead-lettered). Logical
-- replication's apply worker fires no ordinary trigger, so copying a shard in is not fenced.
create function tessera_fence_write() returns trigger
    language plpgsql as $$
declare
    lease varchar(10);
begin
    -- Under REPEATABLE READ the lease below would be read from the transaction's first snapshot,
    -- taken before a move that the lock then waited for: the fence needs a fresh one.
    if current_setting('transaction_isolation') <> 'read committed' then
        raise exception using
            errcode = 'TS001',
            message = format('a write to shard %s must run in a READ COMMITTED transaction',
                             new.shard);
    end if;
    -- 7406: the advisory lock space of shards (the first key), the shard the second.
    perform pg_advisory_xact_lock_shared(7406, new.shard);
    select state into lease from shard_lease where shard = new.shard;
    if lease is distinct from 'OWNED' then
        raise exception using
            errcode = 'TS001',
            message = format('shard %s is %s in this database', new.shard,
                             coalesce(lease, 'not owned')),
            hint = 'Write to the database that owns the shard.';
    end if;
    return new;
end
$$;

-- Named to fire after the <table>_shard triggers (BEFORE triggers fire in name order), which set
-- the shard this one checks.
create trigger orders_write_fence before insert or update on orders
    for each row execute function tessera_fence_write();
create trigger idempotency_key_write_fence before insert or update on idempotency_key
    for each row execute function tessera_fence_write();
create trigger user_projection_write_fence before insert or update on user_projection
    for each row execute function tessera_fence_write();
