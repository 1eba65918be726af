-- Version skew (docs/adr/0002-park-events-a-release-does-not-understand.md): a record that this
-- release cannot apply yet (an event type it does not know, or a handler that says the state it
-- finds is newer than it understands) is kept here, with its offset, instead of being skipped or
-- dead-lettered; its offset is then committed. A later record with the same key on the same
-- partition is parked behind it, so an aggregate's events are still applied in order. A release
-- that knows the type applies the parked rows of each key in offset order, deleting each in the
-- transaction that applies it.
create table parked_event (
    consumer        varchar(100)  not null,
    topic           varchar(249)  not null,
    kafka_partition integer       not null,
    kafka_offset    bigint        not null,
    record_key      varchar(255)  not null,
    event_id        varchar(100),
    event_type      varchar(255),
    payload         text,
    traceparent     varchar(55),
    reason          varchar(1000) not null,
    parked_at       timestamptz   not null default now(),
    attempts        integer       not null default 0,
    last_error      text,
    primary key (consumer, topic, kafka_partition, kafka_offset)
);

-- The live consumer asks, for every record, whether its key has something parked.
create index parked_event_key on parked_event (consumer, topic, kafka_partition, record_key, kafka_offset);
