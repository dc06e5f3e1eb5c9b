-- Hygiene of the public surface: the API roles hold no privilege on any sequence.
--
-- Supabase's default privileges grant every new sequence in public to anon, authenticated and service_role
-- (supabase/compat/supabase.sql mimics them), and the earlier migrations revoked table privileges only. So the
-- identity sequences of the history and the outbox were usable over the Data API: `select setval(
-- 'public.peer_mentor_status_history_id_seq', 1, false)` as anon made every later status change fail with 23505
-- (the nightly job included), and `last_value` told anyone how many changes were ever made.
--
-- Nobody but the owner needs them: both are identity columns, filled by the owner's triggers (an identity
-- column's sequence needs no privilege of the inserting role anyway). So every privilege on every sequence in
-- public and private is revoked from PUBLIC and the three API roles.
--
-- Default privileges, so the next object does not leak the same way (for objects the postgres role creates in
-- public, i.e. every migration):
--   sequences  revoked from anon, authenticated and service_role: no API role ever needs one (identity columns
--              need none), and a grant here is exactly the hole above;
--   functions  EXECUTE revoked from anon and authenticated: a new function in public is otherwise an
--              /rest/v1/rpc endpoint for everyone until its migration remembers to revoke (PUBLIC's EXECUTE is
--              a global default that a per-schema rule cannot remove; every migration still revokes it);
--   tables     revoked from anon and authenticated: a new table or view is closed until its migration grants
--              what its contract needs (every migration here revokes first and grants per column anyway), so a
--              forgotten grant fails closed instead of open. service_role keeps its table and function
--              defaults (it is granted everything by the contract).
-- Checked by supabase/tests/pgtap/catalog/advisor_api_roles_hold_only_the_privileges_their_contract_grants_need.
set lock_timeout = '3s';
set statement_timeout = '10min';

do $$
declare
  v_sequence regclass;
begin
  for v_sequence in
    select c.oid::regclass
      from pg_catalog.pg_class c
     where c.relkind = 'S'
       and c.relnamespace in ('public'::regnamespace, 'private'::regnamespace)
     order by c.oid
  loop
    execute pg_catalog.format('revoke all on sequence %s from public, anon, authenticated, service_role', v_sequence);
  end loop;
end
$$;

alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on functions from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated;
