-- Platform tables every service has, next to its own schema (its migrations start at V1).
-- The connector configuration in platform/cdc (OutboxConnector) depends on these names.

-- Transactional outbox. Rows are deleted in the same transaction that inserts them: Debezium
-- reads the INSERT from the WAL, so the table stays empty and never needs a cleanup job.
create table outbox (
    id            uuid primary key,
    aggregatetype varchar(255) not null,
    aggregateid   varchar(255) not null,
    type          varchar(255) not null,
    payload       jsonb        not null,
    traceparent   varchar(55),
    created_at    timestamptz  not null default now()
);

-- Only inserts are published, so the deletes above never reach the connector.
create publication tessera_outbox for table outbox with (publish = 'insert');

-- Idempotent consumer: one row per (consumer, event) applied, written in the same transaction
-- as the handler's side effects. Rows older than the Kafka retention window are purged.
create table inbox (
    consumer     varchar(100) not null,
    event_id     uuid         not null,
    event_type   varchar(255) not null,
    processed_at timestamptz  not null default now(),
    primary key (consumer, event_id)
);

create index inbox_processed_at on inbox (processed_at);
