-- Every privilege, in one place: revoke first (Supabase's default privileges grant the API roles everything),
-- then grant per object and per column exactly what the contract needs.
--
--   anon           nothing at all.
--   authenticated  reads through RLS (0008_rls.sql); updates only the columns named here; executes only the
--                  read-model and time-travel functions, set_mentor_status, and the helpers its policies and
--                  BEFORE trigger call.
--   service_role   reads and writes the tables (bypassing RLS) except writing the history (append-only,
--                  trigger-written); executes the job and the dispatcher API.
--   sequences      no API role holds any privilege on any sequence (identity columns need none).

-- ---------------------------------------------------------------------------------------------------------
-- Default privileges, for objects the postgres role (every migration) creates in public from now on
--   sequences  revoked from anon, authenticated and service_role: no API role ever needs one;
--   functions  EXECUTE revoked from anon and authenticated: a new function in public is otherwise an
--              /rest/v1/rpc endpoint for everyone until its migration remembers to revoke (PUBLIC's EXECUTE is
--              a global default that a per-schema rule cannot remove; every function is revoked below anyway);
--   tables     revoked from anon and authenticated: a forgotten grant fails closed instead of open.
--              service_role keeps its table and function defaults (it is granted everything by the contract).
-- ---------------------------------------------------------------------------------------------------------
alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on functions from anon, authenticated;
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated;
-- And for every schema (20261203130100): PUBLIC's global default EXECUTE on functions postgres creates is revoked,
-- so a function is executable by no API role until a grant below (or a migration) says so.
alter default privileges for role postgres revoke execute on functions from public;

-- ---------------------------------------------------------------------------------------------------------
-- Schema private: internals, not served by the Data API; the API roles may only reach what is granted below
-- ---------------------------------------------------------------------------------------------------------
revoke all on schema private from public;
-- Policies evaluated for these roles call helpers in this schema.
grant usage on schema private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Revoke everything
-- ---------------------------------------------------------------------------------------------------------
revoke all on all tables in schema public, private from public, anon, authenticated, service_role;
revoke all on all sequences in schema public, private from public, anon, authenticated, service_role;
revoke all on all functions in schema public, private from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Tables and views
-- ---------------------------------------------------------------------------------------------------------
grant select on table public.organizations, public.chapters, public.chapter_memberships to authenticated;
grant select on table public.users to authenticated;
grant update (full_name) on table public.users to authenticated;
grant select on table public.peer_mentors to authenticated;
grant update (status, status_reason) on table public.peer_mentors to authenticated;
grant select on table public.peer_mentor_status_history to authenticated;
-- A coordinator marks its notifications read; dispatched_at is the dispatcher's (complete_coordinator_notifications).
-- Of its own notifications (RLS), a coordinator reads the contract's six columns only, never the dispatcher's
-- bookkeeping (last_error, claims, attempts): column grants, so a column added later is not readable by accident.
grant select (id, history_id, coordinator_id, created_at, dispatched_at, read_at) on table public.coordinator_notifications to authenticated;
grant update (read_at) on table public.coordinator_notifications to authenticated;

grant select, insert, update, delete on table
  public.organizations, public.chapters, public.users, public.chapter_memberships, public.peer_mentors, public.job_runs
  to service_role;
grant select on table public.peer_mentor_status_history to service_role;
grant select, update, delete on table public.coordinator_notifications to service_role;

-- The history policy reads it as the caller.
grant select on table private.visible_mentors to authenticated;

-- The read model: security_invoker views, so RLS decides the rows.
grant select on table public.mentor_status_timeline, public.mentor_cards, public.coordinator_board, public.my_mentor_card
  to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Functions. Not granted to anyone (the owner's own): the trigger functions, the maintenance of the
-- responsibility relation, its oracle and rebuild (tests, operators), and what definer functions call.
-- ---------------------------------------------------------------------------------------------------------
-- The BEFORE trigger on peer_mentors runs as the caller, so the caller needs these three.
grant execute on function private.is_system_caller(), private.is_coordinator_of_mentor(uuid), private.job_run_id_setting()
  to authenticated, service_role;
-- RLS helpers.
grant execute on function
  private.coordinated_chapter_ids(), private.member_chapter_ids(), private.coordinated_user_ids(), private.visible_mentor_ids()
  to authenticated;
-- The read model and time travel.
grant execute on function private.mentor_directory(uuid), private.history_actor_name(bigint), private.history_job_name(bigint)
  to authenticated, service_role;
grant execute on function public.mentors_expiring_within(integer) to authenticated, service_role;
grant execute on function public.mentor_status_at(uuid, timestamptz), public.chapter_status_at(uuid, timestamptz)
  to authenticated, service_role;
-- A status change that raises PM401 instead of changing 0 rows, as the caller (anon: never).
grant execute on function public.set_mentor_status(uuid, public.mentor_status, text) to authenticated, service_role;
-- The health report's counts of the relation's differences (coordinator_notifications_health() runs as the caller).
grant execute on function private.responsibility_difference_counts() to service_role;
-- The job and the dispatcher API: service role only.
grant execute on function public.run_certification_expiry_job(timestamptz) to service_role;
grant execute on function
  public.coordinators_for_mentor(uuid),
  public.claim_coordinator_notifications(integer, interval),
  public.complete_coordinator_notifications(bigint[], uuid),
  public.fail_coordinator_notifications(bigint[], uuid, text),
  public.requeue_coordinator_notifications(bigint[]),
  public.coordinator_notifications_health()
  to service_role;

-- Tamper evidence: the service role reads the records, takes, verifies and publishes digests.
grant select on table public.status_history_erasures, public.status_history_digests to service_role;
grant execute on function
  public.status_history_digest(),
  public.verify_status_history(jsonb),
  public.claim_status_history_digests(integer, interval),
  public.complete_status_history_digests(bigint[], uuid),
  public.fail_status_history_digests(bigint[], uuid, text),
  public.requeue_status_history_digests(bigint[])
  to service_role;

-- The history's writer role (status_history_writer): what its two trigger functions need, nothing else.
grant usage on schema public, private to status_history_writer;
grant select, insert on table public.peer_mentor_status_history to status_history_writer;
grant usage on sequence public.peer_mentor_status_history_id_seq to status_history_writer;
grant insert on table public.coordinator_notifications to status_history_writer;
-- ON CONFLICT (history_id, coordinator_id) reads the arbiter's columns.
grant select (history_id, coordinator_id) on table public.coordinator_notifications to status_history_writer;
grant select on table private.responsibilities to status_history_writer;
grant execute on function private.history_changed_by() to status_history_writer;
grant execute on function private.job_run_id_for_history() to status_history_writer;
grant execute on function private.status_history_pseudonym(uuid) to status_history_writer;
grant execute on function
  private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text)
  to status_history_writer;

-- Last: the history triggers' functions pass to status_history_writer (0005_history.sql), whose guard knows them
-- by it; after this, postgres can no longer grant or revoke on them.
revoke all on function private.record_status_history_on_insert(), private.record_status_history_on_update()
  from public, anon, authenticated, service_role;
do $$
begin
  execute pg_catalog.format('grant status_history_writer to %I', current_user);
  grant create on schema private to status_history_writer;
  alter function private.record_status_history_on_insert() owner to status_history_writer;
  alter function private.record_status_history_on_update() owner to status_history_writer;
  revoke create on schema private from status_history_writer;
  execute pg_catalog.format('revoke status_history_writer from %I', current_user);
end
$$;
