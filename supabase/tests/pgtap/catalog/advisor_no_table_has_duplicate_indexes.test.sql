-- Advisor (Performance, "duplicate index"): no table in public or private has two indexes with the same
-- columns, operator classes, collations, options, expressions and predicate: the second one only costs
-- writes and space. (A unique constraint and a plain index on the same columns count as duplicates too.)
begin;
select plan(1);

select is_empty(
  $$select pg_catalog.string_agg(i.indexrelid::regclass::text, ' = ' order by i.indexrelid::regclass::text)
      from pg_catalog.pg_index i
      join pg_catalog.pg_class t on t.oid = i.indrelid
     where t.relnamespace in ('public'::regnamespace, 'private'::regnamespace)
     group by i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
              pg_catalog.pg_get_expr(i.indexprs, i.indrelid), pg_catalog.pg_get_expr(i.indpred, i.indrelid)
    having count(*) > 1$$,
  'no table in public or private has duplicate indexes');

select * from finish();
rollback;
