-- The durable copy of every live revocation entry in Redis (revoked:jti:/sid:/user: keys), written
-- in the transaction of the change that revokes. A Redis that lost its data is re-seeded from here
-- (RevocationSeeder); a row is useless once expires_at (the latest exp it covers + clock skew) has
-- passed, and is then deleted.
create table revocations (
    redis_key  varchar(100) primary key,
    value      varchar(32)  not null,
    expires_at timestamptz  not null
);

create index revocations_expires_at on revocations (expires_at);
