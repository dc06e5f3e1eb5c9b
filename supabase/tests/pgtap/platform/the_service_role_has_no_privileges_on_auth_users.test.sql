-- Platform shape: on Supabase service_role has no privileges on auth.users (the Auth server and postgres
-- manage it), so nothing the API roles run may read it directly: they go through public.users.
begin;
select plan(4);

select is(pg_catalog.has_table_privilege('service_role', 'auth.users', 'SELECT'), false, 'service_role may not select auth.users');
select is(pg_catalog.has_table_privilege('service_role', 'auth.users', 'INSERT, UPDATE, DELETE'), false,
  'service_role may not write auth.users');
set local role service_role;
select throws_ok($$select count(*) from auth.users$$, '42501', null, 'reading auth.users as service_role is refused');
reset role;
select is(pg_catalog.has_table_privilege('postgres', 'auth.users', 'SELECT, INSERT'), true, 'postgres may (fixtures, seed)');

select * from finish();
rollback;
