-- The trace of the event that asked for the e-mail, so that sending it (after the commit, by the
-- sender's pass or its retry job) joins that trace (docs/tracing.md). Nullable: rows from before,
-- and those recorded with tracing off, have none.
alter table email_outbox add column traceparent varchar(55);
