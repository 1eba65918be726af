-- A table of the test's own, as a service's first migration creates its tables.
create table member (
    id    uuid primary key,
    email varchar(320) not null
);
