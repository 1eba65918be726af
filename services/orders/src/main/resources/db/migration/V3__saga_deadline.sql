-- The saga deadline job's queue: orders still waiting for their payment, oldest first. Partial, so
-- it stays as small as the number of orders in flight.
create index orders_pending_payment on orders (created_at) where status = 'PENDING_PAYMENT';
