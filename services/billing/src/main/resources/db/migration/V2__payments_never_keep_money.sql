-- Billing never keeps money without a confirmed order (docs/failure-model.md, "Payments").

-- An OrderCancelled that arrives before its OrderPlaced leaves a CANCELLED payment as a tombstone:
-- the unique order_id then makes the late OrderPlaced record nothing. Its amount is unknown (0) and
-- so is its currency.
alter table payment alter column currency drop not null;

-- When billing last called the provider to charge this payment. A FAILED or CANCELLED payment keeps
-- looking its charge up until billing.payments.lookup-window has passed since then: a call whose
-- answer was lost may still have taken the money.
alter table payment add column last_charge_at timestamptz;

-- The queue is every payment with provider work due: charges, refunds, and the look-ups of failed
-- or cancelled payments that may have been charged. next_attempt_at is null once nothing is left.
drop index payment_due;
create index payment_due on payment (next_attempt_at) where next_attempt_at is not null;

-- The simulated provider's own records. It stands in for an external provider, whose idempotency
-- keys outlive any billing process: kept here, every billing instance, a restart and a replay see
-- the same charge for one key. Only SimulatedPaymentProvider reads or writes these tables.
create table simulated_provider_charge (
    idempotency_key varchar(100) primary key,
    charge_id       varchar(64)  not null unique,
    reference       varchar(100) not null,
    amount          bigint       not null,
    currency        varchar(3)   not null,
    approved        boolean      not null,
    decline_code    varchar(64),
    created_at      timestamptz  not null default now()
);

create index simulated_provider_charge_reference on simulated_provider_charge (reference);

create table simulated_provider_refund (
    idempotency_key varchar(100) primary key,
    refund_id       varchar(64)  not null unique,
    charge_id       varchar(64)  not null,
    created_at      timestamptz  not null default now()
);

create index simulated_provider_refund_charge on simulated_provider_refund (charge_id);
