-- The notifications schema. Platform tables (outbox, inbox) come from db/tessera (V0_x).

-- Who a user is for e-mail: the only place notifications learns addresses (from UserRegistered).
create table recipient (
    user_id      uuid primary key,
    email        varchar(320) not null,
    display_name varchar(200) not null,
    suspended_at timestamptz,
    updated_at   timestamptz  not null default now()
);

-- The in-app inbox. One row per event at most: the unique event id is a second guard next to
-- the inbox record of the idempotent consumer.
create table notification (
    id         uuid primary key,
    event_id   uuid         not null unique,
    user_id    uuid         not null,
    category   varchar(20)  not null,
    kind       varchar(40)  not null,
    title      varchar(200) not null,
    body       text         not null,
    created_at timestamptz  not null default now(),
    read_at    timestamptz
);

-- Newest first per user, keyset (created_at, id); the partial index serves the unread filter.
create index notification_user_newest on notification (user_id, created_at desc, id desc);
create index notification_user_unread on notification (user_id, created_at desc, id desc)
    where read_at is null;

-- E-mail on/off per category; no row means every category is on.
create table email_preference (
    user_id    uuid primary key,
    account    boolean     not null default true,
    orders     boolean     not null default true,
    payments   boolean     not null default true,
    updated_at timestamptz not null default now()
);

-- One e-mail per notification, written in the transaction of the notification and the inbox
-- record; sent after commit. next_attempt_at doubles as a lease: a sender that claims a row moves
-- it into the future, so a crashed sender's row comes due again.
create table email_outbox (
    id              uuid primary key references notification (id),
    event_id        uuid         not null unique,
    user_id         uuid         not null,
    category        varchar(20)  not null,
    kind            varchar(40)  not null,
    model           jsonb        not null,
    message_id      varchar(255) not null,
    status          varchar(20)  not null default 'pending'
        check (status in ('pending', 'sent', 'skipped', 'failed')),
    attempts        integer      not null default 0,
    next_attempt_at timestamptz  not null default now(),
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz  not null default now()
);

create index email_outbox_due on email_outbox (next_attempt_at) where status = 'pending';
create index email_outbox_user_pending on email_outbox (user_id) where status = 'pending';
