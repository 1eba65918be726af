-- V6's fence refused a write outside READ COMMITTED with TS001, the state that says "the shard is
-- not owned here now", which the services treat as an outage and retry: a consumer would have
-- retried such a write for ever, though only a code change can make it pass. It is a fault of the
-- writer: TS002, which nothing retries (a client gets 500, a consumer dead-letters the record
-- after its bounded retries). TS001 keeps meaning the shard is moving or moved.
create or replace function tessera_fence_write() returns trigger
    language plpgsql as $$
declare
    lease varchar(10);
begin
    -- Under REPEATABLE READ the lease below would be read from the transaction's first snapshot,
    -- taken before a move that the lock then waited for: the fence needs a fresh one.
    if current_setting('transaction_isolation') <> 'read committed' then
        raise exception using
            errcode = 'TS002',
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
