-- Hygiene (contract, "Hygiene of the public surface"): anon, authenticated and service_role hold no privilege
-- on any sequence in public or private. Supabase's default privileges grant every new sequence to them; with
-- the history's sequence usable, `setval(..., 1, false)` as anon made every later status change fail (23505)
-- and `last_value` told anyone how many changes were ever made.
begin;
select plan(9);

select is_empty(
  $$select pg_catalog.format('%s holds %s on sequence %I.%I', r.rolname, p.privilege, n.nspname, c.relname)
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     cross join (values ('anon'), ('authenticated'), ('service_role')) as r (rolname)
     cross join (values ('select'), ('update'), ('usage')) as p (privilege)
     where c.relkind = 'S'
       and n.nspname in ('public', 'private')
       and pg_catalog.has_sequence_privilege(r.rolname, c.oid, p.privilege)$$,
  'no API role holds select, update or usage on any sequence in public or private');

select isnt_empty(
  $$select 1 from pg_catalog.pg_class c
     where c.relkind = 'S' and c.relnamespace = 'public'::regnamespace$$,
  'there are sequences in public to check (the check is not vacuous)');

select is_empty(
  $$select pg_catalog.format('%s: %s', r.rolname, d.defaclobjtype)
      from pg_catalog.pg_default_acl d
     cross join (values ('anon'), ('authenticated'), ('service_role')) as r (rolname)
     cross join lateral pg_catalog.aclexplode(d.defaclacl) a
     where d.defaclobjtype = 'S'
       and d.defaclnamespace in ('public'::regnamespace, 'private'::regnamespace)
       and a.grantee = r.rolname::regrole
       -- The project's own default privileges: the objects its migrations create (as postgres). On a real
       -- Supabase project supabase_admin's defaults in public also grant sequences, and postgres cannot
       -- revoke those; nothing the project creates is owned by supabase_admin.
       and d.defaclrole = 'postgres'::regrole$$,
  'no default privilege of the project''s role (postgres) grants future sequences in public or private to an API role');

select tests.authenticate_as_anon();
select throws_ok($$select pg_catalog.setval('public.peer_mentor_status_history_id_seq', 1, false)$$,
  '42501', null, 'anon cannot setval the history''s sequence');
select throws_ok($$select last_value from public.peer_mentor_status_history_id_seq$$,
  '42501', null, 'anon cannot read how many history rows were ever written');
select throws_ok($$select pg_catalog.nextval('public.coordinator_notifications_id_seq')$$,
  '42501', null, 'anon cannot advance the outbox''s sequence');

select tests.clear_authentication();
select tests.create_rls_fixture();
select tests.rls_sign_in('mentor-self');
select throws_ok($$select pg_catalog.setval('public.coordinator_notifications_id_seq', 1, false)$$,
  '42501', null, 'a signed-in user cannot setval the outbox''s sequence');

select tests.authenticate_as_service_role();
select throws_ok($$select pg_catalog.setval('public.peer_mentor_status_history_id_seq', 1, false)$$,
  '42501', null, 'the service role cannot setval the history''s sequence either');

-- The sequences still serve their identity columns: a status change by a signed-in mentor writes history.
select tests.rls_sign_in('mentor-self');
update public.peer_mentors set status = 'paused', status_reason = 'sequence check' where id = tests.rls_mentor('mentor-self');
select tests.clear_authentication();
select results_eq(
  $$select new_status, reason from public.peer_mentor_status_history
     where mentor_id = tests.rls_mentor('mentor-self') order by changed_at desc, id desc limit 1$$,
  $$values ('paused'::public.mentor_status, 'sequence check'::text)$$,
  'a mentor''s own change still gets its history row (identity needs no sequence privilege of the caller)');

select * from finish();
rollback;
