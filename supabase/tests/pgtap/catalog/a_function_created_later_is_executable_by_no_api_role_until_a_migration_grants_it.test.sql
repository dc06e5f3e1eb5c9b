-- Hygiene (contract, "Hygiene of the public surface"): a function created later is executable by no API role
-- until a migration grants it, whatever its schema. Functions are created here the way a later migration would
-- (as postgres, without any revoke), in every schema an API role can use and in a new one, plain and security
-- definer; none may be executable by anon or authenticated. Then a grant opens exactly what it names.
begin;
select plan(6);

create schema integrity_later;
grant usage on schema integrity_later to anon, authenticated;
create function public.integrity_later_invoker() returns int language sql stable set search_path = '' as 'select 1';
create function public.integrity_later_definer() returns int language sql stable security definer set search_path = '' as 'select 1';
create function private.integrity_later_definer() returns int language sql stable security definer set search_path = '' as 'select 1';
create function extensions.integrity_later_definer() returns int language sql stable security definer set search_path = '' as 'select 1';
create function integrity_later.integrity_later_definer() returns int language sql stable security definer set search_path = '' as 'select 1';
create procedure private.integrity_later_procedure() language sql security definer set search_path = '' as 'select 1';

select is_empty(
  $$ select pg_catalog.format('%s executable by %s', p.oid::regprocedure, r.rolname)
       from pg_catalog.pg_proc p
      cross join (values ('anon'), ('authenticated'), ('public')) as r (rolname)
      where p.proname like 'integrity_later%'
        and pg_catalog.has_function_privilege(r.rolname, p.oid, 'execute') $$,
  'a function or procedure created without a grant, in public, private, extensions or a new schema, is executable by no API role (nor PUBLIC)'
);
select ok(
  pg_catalog.has_function_privilege('postgres', 'private.integrity_later_definer()', 'execute'),
  'its owner may execute it'
);

select tests.authenticate_as(tests.uuid('integrity later someone'));
select throws_ok($$ select private.integrity_later_definer() $$, '42501', null,
  'a signed-in user calling the new definer function in private is refused');
select throws_ok($$ select public.integrity_later_definer() $$, '42501', null,
  'a signed-in user calling the new definer function in public (an /rpc endpoint) is refused');
select tests.clear_authentication();

grant execute on function private.integrity_later_definer() to authenticated;
select ok(
  pg_catalog.has_function_privilege('authenticated', 'private.integrity_later_definer()', 'execute')
  and not pg_catalog.has_function_privilege('anon', 'private.integrity_later_definer()', 'execute'),
  'a migration''s grant opens it to exactly the role it names'
);

select is_empty(
  $$ select pg_catalog.format('%s executable by PUBLIC', p.oid::regprocedure)
       from pg_catalog.pg_proc p
      where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
        and pg_catalog.has_function_privilege('public', p.oid, 'execute')
        and not exists (select 1 from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e') $$,
  'no function of ours in public or private is executable by PUBLIC'
);

select * from finish();
rollback;
