-- {{service}}'s own schema (the platform's outbox and inbox come from db/tessera, V0_x).
-- Migrations are expand/contract (docs/deploy.md, "Upgrades"): a later one only adds.

-- A {{aggregate}}, owned by the user who created it.
create table {{aggregate}} (
    id         uuid         primary key,
    user_id    uuid         not null,
    name       varchar(200) not null,
    created_at timestamptz  not null
);

-- Serves "my {{aggregate}}s, newest first" and its keyset pagination (created_at, id) without a sort.
create index {{aggregate}}_user_newest on {{aggregate}} (user_id, created_at desc, id desc);
{{#consumesAny}}

-- What the generated consumer saw: one row per event applied (the inbox makes it once). Replace it
-- with what the service does with those events.
create table received_event (
    event_id     uuid         primary key,
    event_type   varchar(100) not null,
    aggregate_id varchar(100) not null,
    received_at  timestamptz  not null
);
{{/consumesAny}}
