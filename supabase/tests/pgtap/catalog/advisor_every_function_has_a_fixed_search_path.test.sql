-- Advisor (Security, "function search_path mutable"): every function in public and private pins its
-- search_path (`set search_path = ''` in this project), so a caller's search_path cannot redirect the names
-- inside it — for a security definer function, a privilege escalation. Extension members are not ours.
begin;
select plan(2);

select is_empty(
  $$select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
     where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
       and p.prokind in ('f', 'p')
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       and not exists (select 1 from pg_catalog.unnest(p.proconfig) as setting where setting like 'search\_path=%')
       -- On purpose (20261203140100): inlined per row into the history writers and the verifier, which a SET
       -- clause would prevent; every name in them is schema-qualified.
       and p.oid not in ('private.status_history_pseudonym(uuid)'::regprocedure,
                         'private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text)'::regprocedure)$$,
  'every function in public and private sets its own search_path');

select cmp_ok(
  (select count(*)::integer from pg_catalog.pg_proc p where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)),
  '>=', 10,
  'the check covers the project''s functions (it is not vacuous)');

select * from finish();
rollback;
