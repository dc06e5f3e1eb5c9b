-- Advisor (Performance, "no primary key"): every table in public has a primary key: rows can be addressed
-- (PostgREST updates and deletes, logical replication and Supabase Realtime need it).
begin;
select plan(1);

select is_empty(
  $$select c.oid::regclass::text
      from pg_catalog.pg_class c
     where c.relnamespace = 'public'::regnamespace
       and c.relkind in ('r', 'p')
       and not exists (select 1 from pg_catalog.pg_constraint k where k.conrelid = c.oid and k.contype = 'p')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')$$,
  'every table in public has a primary key');

select * from finish();
rollback;
