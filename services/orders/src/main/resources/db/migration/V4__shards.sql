-- Sharding (docs/sharding.md, ADR 0006): every row of a user carries the user's logical shard, one
-- of 4,096, so that a range of shards can be found, copied and verified when it moves to another
-- database; and this database records which shards it owns.

-- The shard of a user: the top 12 bits of XXH64 (seed 0) of the user id's 16 bytes. The twin of
-- Shards.ofUser in platform/sharding, which checks it against the hash's published vectors;
-- ShardColumnsTest checks that the two agree. bigint is signed and its * and + fail on overflow,
-- so products and sums modulo 2^64 go through numeric.
create function tessera_u64(n numeric) returns bigint
    language sql immutable strict parallel safe
    return (case when mod(n, 18446744073709551616) >= 9223372036854775808
                 then mod(n, 18446744073709551616) - 18446744073709551616
                 else mod(n, 18446744073709551616) end)::bigint;

create function tessera_unsigned(x bigint) returns numeric
    language sql immutable strict parallel safe
    return case when x < 0 then x::numeric + 18446744073709551616 else x::numeric end;

-- x >>> n (a logical shift; PostgreSQL's >> on bigint keeps the sign), for n in 1..63.
create function tessera_shr(x bigint, n int) returns bigint
    language sql immutable strict parallel safe
    return (x >> n) & ~((-1)::bigint << (64 - n));

create function tessera_rotl(x bigint, r int) returns bigint
    language sql immutable strict parallel safe
    return (x << r) | tessera_shr(x, 64 - r);

create function tessera_shard_of(user_id uuid) returns smallint
    language plpgsql immutable strict parallel safe as $$
declare
    prime1 constant numeric := 11400714785074694791;
    prime2 constant numeric := 14029467366897019727;
    prime3 constant numeric := 1609587929392839161;
    prime4 constant numeric := 9650029242287828579;
    prime5 constant numeric := 2870177450012600261;
    bytes bytea := uuid_send(user_id);
    h bigint := tessera_u64(prime5 + 16);
    lane bigint;
begin
    for off in 0..8 by 8 loop
        -- XXH64 reads its input as little-endian 64-bit lanes.
        lane := 0;
        for i in reverse 7..0 loop
            lane := (lane << 8) | get_byte(bytes, off + i);
        end loop;
        lane := tessera_u64(tessera_unsigned(
            tessera_rotl(tessera_u64(tessera_unsigned(lane) * prime2), 31)) * prime1);
        h := h # lane;
        h := tessera_u64(tessera_unsigned(tessera_rotl(h, 27)) * prime1 + prime4);
    end loop;
    h := h # tessera_shr(h, 33);
    h := tessera_u64(tessera_unsigned(h) * prime2);
    h := h # tessera_shr(h, 29);
    h := tessera_u64(tessera_unsigned(h) * prime3);
    h := h # tessera_shr(h, 32);
    return tessera_shr(h, 52)::smallint;
end
$$;

-- The column is set by the database on every insert, whatever the writer sends (an older release
-- sends none), so it cannot disagree with the row's user. Nullable until V5 has filled the rows
-- written before it; NOT NULL would refuse the previous release's inserts during a rollout.
create function tessera_set_shard() returns trigger
    language plpgsql as $$
begin
    new.shard := tessera_shard_of(new.user_id);
    return new;
end
$$;

-- The same for user_projection, whose user id is its primary key.
create function tessera_set_shard_of_id() returns trigger
    language plpgsql as $$
begin
    new.shard := tessera_shard_of(new.id);
    return new;
end
$$;

alter table orders add column shard smallint;
create trigger orders_shard before insert or update of user_id, shard on orders
    for each row execute function tessera_set_shard();

alter table idempotency_key add column shard smallint;
create trigger idempotency_key_shard before insert or update of user_id, shard on idempotency_key
    for each row execute function tessera_set_shard();

alter table user_projection add column shard smallint;
create trigger user_projection_shard before insert or update of id, shard on user_projection
    for each row execute function tessera_set_shard_of_id();

-- Which logical shards this database owns: the authority the shard map in configuration follows.
-- OWNED: its rows are here and written here. RECEIVING: a move is copying the shard in. MOVED: the
-- shard now lives in another database; a write that meets it goes there. `epoch` grows with every
-- change of state, so a writer can tell a lease it read from a newer one.
create table shard_lease (
    shard      smallint    primary key check (shard between 0 and 4095),
    state      varchar(10) not null check (state in ('OWNED', 'RECEIVING', 'MOVED')),
    epoch      bigint      not null default 1,
    changed_at timestamptz not null default now()
);

-- A database owns every shard unless it was told otherwise before its first migration: a database
-- added to take shards over is created with `alter database ... set tessera.owned_shards = ''`
-- (or a list of ranges such as '2048-4095'), so it never starts as a second owner.
insert into shard_lease (shard, state)
select s, 'OWNED'
from unnest(string_to_array(coalesce(current_setting('tessera.owned_shards', true), '0-4095'), ','))
         as r(range),
     generate_series(split_part(trim(r.range), '-', 1)::int,
                     split_part(trim(r.range), '-', 2)::int) as s
where trim(r.range) <> '';
