-- The orders service's own schema (the platform's outbox and inbox come from db/tessera, V0_x).

-- Products customers can order. Prices are in minor units, so no amount is a binary fraction.
create table product (
    sku          varchar(64)  primary key,
    name         varchar(200) not null,
    price_amount bigint       not null check (price_amount >= 0),
    currency     char(3)      not null
);

-- An order, with its lines as an immutable JSON snapshot of what the customer saw when ordering:
-- lines are never changed or queried one by one, and a snapshot keeps the name and price of the
-- day even when the catalog changes. `version` is the optimistic lock of the state machine.
create table orders (
    id            uuid         primary key,
    user_id       uuid         not null,
    status        varchar(20)  not null
        check (status in ('PENDING_PAYMENT', 'CONFIRMED', 'CANCELLED')),
    lines         text         not null,
    total_amount  bigint       not null check (total_amount >= 0),
    currency      char(3)      not null,
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null,
    payment_id    uuid,
    cancel_reason varchar(64),
    version       bigint       not null default 0
);

-- Serves "my orders, newest first" and its keyset pagination (created_at, id) without a sort.
create index orders_user_newest on orders (user_id, created_at desc, id desc);

-- Idempotency-Key of POST /api/orders: one row per (user, key), written in the transaction that
-- creates the order, with the response to replay. The primary key is the unique constraint that
-- makes two concurrent requests with one key create one order. Purged after the retention.
create table idempotency_key (
    user_id         uuid         not null,
    idempotency_key varchar(255) not null,
    request_hash    char(64)     not null,
    order_id        uuid         not null references orders (id),
    response_status int          not null,
    response_body   text         not null,
    created_at      timestamptz  not null,
    primary key (user_id, idempotency_key)
);

create index idempotency_key_created_at on idempotency_key (created_at);

-- What orders knows of identity's users, fed by identity.user.events. Only used to refuse orders
-- of suspended users; a user missing here may still order (see UserProjection).
create table user_projection (
    id         uuid        primary key,
    status     varchar(20) not null check (status in ('ACTIVE', 'SUSPENDED')),
    updated_at timestamptz not null
);
