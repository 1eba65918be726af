-- Billing's own schema (the platform's outbox and inbox come from db/tessera, V0_x).

-- One account per user, created by UserRegistered or on demand by the first OrderPlaced.
create table billing_account (
    user_id        uuid primary key,
    payment_method varchar(40) not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

-- One payment per order: the unique constraint, not a prior check, is what makes a redelivered
-- OrderPlaced (even under a new event id, or on two replicas at once) unable to charge twice.
create table payment (
    id                 uuid primary key,
    order_id           uuid        not null,
    user_id            uuid        not null,
    amount             bigint      not null check (amount >= 0),
    currency           varchar(3)  not null,
    status             varchar(16) not null
        check (status in ('PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'REFUND_PENDING', 'REFUNDED')),
    attempts           integer     not null default 0,
    next_attempt_at    timestamptz,
    payment_method     varchar(40),
    failure_reason     varchar(64),
    provider_charge_id varchar(64),
    placed_at          timestamptz not null,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    constraint payment_order_id_key unique (order_id)
);

-- The retry job's work queue: only rows that still need the provider are indexed.
create index payment_due on payment (next_attempt_at)
    where status in ('PENDING', 'REFUND_PENDING');

-- The order's lines as the customer saw them: the invoice is built from them.
create table payment_line (
    id          uuid primary key,
    payment_id  uuid         not null references payment (id),
    line_no     integer      not null,
    sku         varchar(64)  not null,
    name        varchar(255) not null,
    quantity    integer      not null check (quantity > 0),
    unit_amount bigint       not null check (unit_amount >= 0),
    currency    varchar(3)   not null,
    constraint payment_line_position unique (payment_id, line_no)
);

-- Invoice numbers are gapless and restart every year: INV-2026-000001, ... A plain sequence would
-- leave gaps on rollback, which invoicing rules in many countries forbid; the row lock this takes
-- is held only by the short transaction that records a successful charge.
create table invoice_counter (
    year       integer primary key,
    last_value bigint not null
);

create table invoice (
    id         uuid primary key,
    number     varchar(32) not null unique,
    payment_id uuid        not null unique references payment (id),
    order_id   uuid        not null,
    user_id    uuid        not null,
    currency   varchar(3)  not null,
    subtotal   bigint      not null,
    total      bigint      not null,
    issued_at  timestamptz not null
);

-- Keyset pagination of a user's invoices, newest first.
create index invoice_by_user on invoice (user_id, issued_at desc, id desc);

create table refund (
    id                 uuid primary key,
    payment_id         uuid        not null unique references payment (id),
    amount             bigint      not null,
    currency           varchar(3)  not null,
    provider_refund_id varchar(64) not null,
    created_at         timestamptz not null default now()
);
