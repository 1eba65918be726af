-- Debezium's heartbeat (heartbeat.action.query in platform/cdc OutboxConnector) inserts a row here
-- every few seconds. The insert is published, so the connector sees a change, commits its offset
-- and lets the replication slot move on, even in a database that writes WAL but rarely an event;
-- without it the slot would hold back every WAL segment written since the last outbox row.
-- The action query deletes the previous row in the same statement: the table holds one row.
create table outbox_heartbeat (
    beat_at timestamptz not null default now()
);

-- Only inserts are published; table.include.list keeps the heartbeat rows off the event topics.
alter publication tessera_outbox add table outbox_heartbeat;
