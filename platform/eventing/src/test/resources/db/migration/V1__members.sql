-- The test application's own schema: a projection of users, fed by UserRegistered events.
create table member (
    user_id      uuid primary key,
    email        varchar(320) not null,
    display_name varchar(100) not null,
    trace_id     varchar(32)
);

-- What the test application itself registers (the "write side" that records UserRegistered).
create table registration (
    user_id uuid primary key,
    email   varchar(320) not null
);
