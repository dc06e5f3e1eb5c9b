-- Advisor (Performance, "unindexed foreign keys"): every foreign key of a table in public or private has an
-- index whose leading key columns are the foreign key's columns, so deleting or updating a parent row (cascade,
-- set null, or the "no child left" check) is an index lookup, not a scan of the child table under its lock.
-- A partial index counts only when its predicate is `<the column> IS NOT NULL` (a strict equality lookup
-- implies it): e.g. peer_mentor_status_history (changed_by) where changed_by is not null.
begin;
select plan(2);

select is_empty(
  $$select format('%s: %s', c.conname, c.conrelid::regclass)
      from pg_catalog.pg_constraint c
      join pg_catalog.pg_class t on t.oid = c.conrelid
     where c.contype = 'f'
       and t.relnamespace in ('public'::regnamespace, 'private'::regnamespace)
       and not exists (
         select 1
           from pg_catalog.pg_index i
          where i.indrelid = c.conrelid
            and i.indisvalid
            and i.indnkeyatts >= pg_catalog.cardinality(c.conkey)
            and (select pg_catalog.array_agg(k order by k)
                   from pg_catalog.unnest((i.indkey::int2[])[0:pg_catalog.cardinality(c.conkey) - 1]) k)
                = (select pg_catalog.array_agg(k order by k) from pg_catalog.unnest(c.conkey) k)
            and (i.indpred is null
                 or (pg_catalog.cardinality(c.conkey) = 1
                     and pg_catalog.pg_get_expr(i.indpred, i.indrelid)
                         = format('(%s IS NOT NULL)',
                                  (select pg_catalog.quote_ident(a.attname) from pg_catalog.pg_attribute a
                                    where a.attrelid = c.conrelid and a.attnum = c.conkey[1]))))
       )$$,
  'every foreign key in public and private is covered by an index on its leading columns');

select cmp_ok(
  (select count(*)::integer from pg_catalog.pg_constraint c join pg_catalog.pg_class t on t.oid = c.conrelid
    where c.contype = 'f' and t.relnamespace = 'public'::regnamespace),
  '>=', 9,
  'the check covers the project''s foreign keys (it is not vacuous)');

select * from finish();
rollback;
