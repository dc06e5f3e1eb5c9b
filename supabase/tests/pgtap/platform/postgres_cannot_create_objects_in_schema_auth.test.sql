-- Platform shape: schema auth belongs to the platform (supabase_admin) and, since 2025-04-21, postgres may not
-- create tables or functions in it (it may still reference auth.users and read and write its rows).
begin;
select plan(5);

select isnt((select nspowner::regrole::text from pg_catalog.pg_namespace where nspname = 'auth'), 'postgres',
  'schema auth is not owned by postgres');
select is(pg_catalog.has_schema_privilege('postgres', 'auth', 'CREATE'), false, 'postgres has no CREATE on schema auth');
select throws_ok($$create table auth.not_ours (id int)$$, '42501', null, 'postgres cannot create a table in auth');
select throws_ok($$create function auth.not_ours() returns int language sql as 'select 1'$$, '42501', null,
  'postgres cannot create a function in auth');
select lives_ok($$create table public.platform_shape_references_auth_users (user_id uuid references auth.users (id))$$,
  'postgres may still reference auth.users');

select * from finish();
rollback;
