-- Platform shape: like `supabase test db` (and `supabase db push` for the migrations), the tests run as
-- postgres, which on Supabase is not a superuser. The objects the migrations create belong to postgres.
-- Locally the compatibility layer demotes postgres the way supabase/postgres' demote-postgres migration does.
begin;
select plan(5);

select is(session_user::text, 'postgres', 'the tests connect as postgres');
select is((select rolsuper from pg_catalog.pg_roles where rolname = 'postgres'), false, 'postgres is not a superuser');
select is((select rolcreaterole and rolcreatedb and rolbypassrls from pg_catalog.pg_roles where rolname = 'postgres'), true,
  'postgres has what Supabase gives it: createrole, createdb, bypassrls');
select is((select relowner::regrole::text from pg_catalog.pg_class where oid = 'public.peer_mentors'::regclass), 'postgres',
  'the migrations ran as postgres: it owns public.peer_mentors');
select throws_ok($$set local log_statement = 'all'$$, '42501', null, 'postgres cannot set a superuser-only setting (log_statement)');

select * from finish();
rollback;
