-- One writer of history: only the database's own triggers insert into peer_mentor_status_history.
--
-- The API roles have no INSERT privilege on it, but the owner (migrations, pg_cron jobs, anyone holding the
-- postgres password) could INSERT a back-dated, forged row directly. This guard refuses every INSERT that does
-- not come from a trigger: the history triggers on peer_mentors insert from inside a trigger, so their INSERT
-- runs at pg_trigger_depth() 2; a direct INSERT (psql, a function, a CTE) runs at depth 1 and is refused with
-- PM202. It is a BEFORE ... FOR EACH STATEMENT trigger: one cheap check per statement, whatever the row count,
-- so the bulk path (one INSERT ... SELECT per UPDATE) costs one call more, not one per row.
--
-- ENABLE ALWAYS, like the append-only triggers: it fires in session_replication_role = replica as well (a
-- restore or a replica session cannot slip rows past it). Disabling it takes ALTER TABLE, i.e. a reviewed
-- migration, as dropping the append-only triggers would.
--
-- A future migration that must backfill history opts in explicitly, in its own transaction, as the owner:
--     set local app.history_backfill = 'on';   -- transaction-local: gone at commit or rollback
--     insert into public.peer_mentor_status_history (...) select ...;
-- The setting is honoured only for the table's owner (or a member of it, e.g. a superuser); the service role
-- and signed-in users are refused whatever they set (they lack INSERT anyway: 42501 before this runs).
--
-- Errors: PM202 peer_mentor_status_history is written only by the database's triggers.
set lock_timeout = '3s';
set statement_timeout = '10min';

create function private.keep_status_history_single_writer() returns trigger
language plpgsql
volatile
security invoker -- must see the caller's own role: the opt-in is honoured for the owner only
set search_path = ''
as $$
begin
  -- The history triggers on peer_mentors insert from inside their own trigger call: depth 2 here.
  if pg_catalog.pg_trigger_depth() > 1 then
    return null;
  end if;
  if pg_catalog.current_setting('app.history_backfill', true) = 'on'
     and pg_catalog.pg_has_role(current_user,
           (select c.relowner from pg_catalog.pg_class c where c.oid = tg_relid), 'member') then
    return null;
  end if;
  raise exception 'peer_mentor_status_history is written only by the database''s triggers: change peer_mentors.status instead'
    using errcode = 'PM202',
          hint = 'a migration that must backfill history opts in as the table owner, in its own transaction: set local app.history_backfill = ''on''';
end;
$$;
comment on function private.keep_status_history_single_writer() is
  'BEFORE INSERT statement trigger on the history: refuses a direct INSERT (PM202) from every role, the owner included; lets through the history triggers (pg_trigger_depth() > 1) and an owner''s explicit, transaction-local backfill (set local app.history_backfill = ''on'').';

create trigger peer_mentor_status_history_single_writer
  before insert on public.peer_mentor_status_history
  for each statement execute function private.keep_status_history_single_writer();

-- ALWAYS: fires in session_replication_role = replica too, like the append-only triggers.
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_single_writer;

revoke all on function private.keep_status_history_single_writer() from public, anon, authenticated, service_role;
