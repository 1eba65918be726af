package dev.tessera.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the expand/contract lint lets through and what it refuses. */
class MigrationLintTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "drop table orders;",
        "DROP VIEW order_totals",
        "alter table orders drop column cancel_reason;",
        "alter table orders drop cancel_reason",
        "alter table orders drop constraint orders_status_check",
        "alter table orders rename column lines to items;",
        "alter table orders rename to purchases",
        "alter table orders alter column total_amount type numeric(12,2)",
        "alter table orders alter total_amount set data type numeric",
        "alter table orders alter column payment_id set not null",
        "alter table orders alter column version drop default",
        "alter table orders add column region varchar(10) not null",
        "alter table orders add constraint orders_total_positive check (total_amount > 0)",
        "create unique index orders_payment on orders (payment_id)",
        "drop index orders_user_newest",
        "truncate inbox"
      })
  void a_statement_that_breaks_the_previous_release_is_refused(String sql) {
    assertThat(MigrationLint.check("V9__change.sql", sql, "0.2.0-SNAPSHOT")).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "create table refund (id uuid primary key, amount bigint not null);",
        "create table refund (id uuid primary key); create unique index refund_x on refund (id);"
            + " alter table refund add constraint refund_c check (id is not null)",
        "alter table orders add column region varchar(10);",
        "alter table orders add column region varchar(10) not null default 'eu'",
        "alter table payment alter column currency drop not null",
        "create index orders_pending on orders (created_at) where status = 'PENDING_PAYMENT'",
        "drop index payment_due; create index payment_due on payment (next_attempt_at)",
        "insert into product (sku, name) values ('a; drop table orders', 'x')",
        "-- drop table orders\ncomment on table orders is 'not dropped'",
        "create function f() returns void as $$ begin drop table x; end $$ language plpgsql"
      })
  void an_expansion_passes(String sql) {
    assertThat(MigrationLint.check("V9__expand.sql", sql, "0.2.0-SNAPSHOT")).isEmpty();
  }

  @Test
  void a_contract_migration_may_drop_once_the_release_it_names_is_older_than_this_one() {
    String contract =
        "-- contract: safe after release 0.1.0\nalter table orders drop column cancel_reason;";
    assertThat(MigrationLint.check("V9__contract.sql", contract, "0.2.0-SNAPSHOT")).isEmpty();
    assertThat(MigrationLint.check("V9__contract.sql", contract, "0.1.0-SNAPSHOT"))
        .singleElement()
        .satisfies(f -> assertThat(f.rule()).contains("older than"));
  }
}
