-- An expansion: a nullable column. ALTER TABLE takes an ACCESS EXCLUSIVE lock on member.
alter table member add column nickname varchar(100);
