-- Platform shape: postgres may set session_replication_role (Supabase: supautils'
-- privileged_role_allowed_configs; plain PostgreSQL: `grant set on parameter`), the API roles may not.
begin;
select plan(3);

select lives_ok($$set local session_replication_role = replica$$, 'postgres may set session_replication_role');
reset session_replication_role;
set local role authenticated;
select throws_ok($$set local session_replication_role = replica$$, '42501', null, 'authenticated may not');
reset role;
set local role service_role;
select throws_ok($$set local session_replication_role = replica$$, '42501', null, 'service_role may not');
reset role;

select * from finish();
rollback;
