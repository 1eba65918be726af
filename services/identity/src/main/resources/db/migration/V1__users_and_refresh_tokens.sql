-- Users: e-mail is stored normalised (trimmed, lower-case) so the unique constraint is the
-- duplicate check; the application's look-up before insert is only a courtesy.
create table users (
    id                uuid primary key,
    email             varchar(254) not null,
    display_name      varchar(100) not null,
    password_hash     varchar(255) not null,
    roles             varchar(100) not null,
    status            varchar(16)  not null,
    -- Tokens issued before this instant are revoked (password change, suspension).
    tokens_not_before timestamptz,
    created_at        timestamptz  not null,
    updated_at        timestamptz  not null,
    constraint users_email_unique unique (email),
    constraint users_status_known check (status in ('ACTIVE', 'SUSPENDED'))
);

-- Refresh tokens are opaque; only their SHA-256 is stored. A family is one login's chain of
-- rotations: a rotated (used) token that comes back revokes the whole family.
create table refresh_tokens (
    token_hash char(64)    primary key,
    family_id  uuid        not null,
    user_id    uuid        not null references users (id),
    issued_at  timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz,
    revoked_at timestamptz
);

create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id);
