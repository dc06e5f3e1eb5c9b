-- The responsibility relation's refusal gets its own SQLSTATE, PM701. 20261203130300 gave "maintenance refused at
-- REPEATABLE READ / SERIALIZABLE" PM601, and 20261203140200 gave "not a status history digest" PM601 too: one
-- code for two rules, so an app or a retry loop could not tell "retry the transaction" from "your digest is
-- malformed". PM6xx stays the tamper evidence's family (PM601-PM604); the relation's refusal moves to PM701.
-- The two functions that raise it are redefined with the new code; nothing else changes.
--
-- Function bodies only: no lock on any table.
set lock_timeout = '3s';
set statement_timeout = '1min';

create or replace function private.lock_responsibility() returns void
language plpgsql
volatile
security invoker -- called by the definer maintenance functions: runs as their owner, who alone may lock the row
set search_path = ''
as $$
declare
  v_holder xid8;
begin
  -- At REPEATABLE READ / SERIALIZABLE, a version of the row newer than this transaction's snapshot (a maintainer
  -- committed after it) is a serialization failure here, before anything is recomputed. (At READ COMMITTED the
  -- lock waits for the holder, then sees its commit.)
  select g.holder into v_holder from private.responsibility_guard g where g.id for no key update;
  if not found then
    -- A database built without the migration's row (e.g. from supabase/schemas/): made once, then locked.
    insert into private.responsibility_guard (id) values (true) on conflict (id) do nothing;
    select g.holder into v_holder from private.responsibility_guard g where g.id for no key update;
  end if;
  if v_holder is distinct from pg_catalog.pg_current_xact_id() then
    update private.responsibility_guard
       set holder = pg_catalog.pg_current_xact_id(), locked_at = pg_catalog.clock_timestamp()
     where id;
  end if;
exception when serialization_failure then
  raise exception 'the responsibility relation cannot be kept exact at % for this change: another transaction changed memberships or mentors after this transaction''s snapshot was taken',
      pg_catalog.upper(pg_catalog.current_setting('transaction_isolation'))
    using errcode = 'PM701',
          hint = 'retry the transaction, or run membership and mentor changes at READ COMMITTED (as PostgREST and pg_cron do); nothing was changed';
end;
$$;
comment on function private.lock_responsibility() is
  'Serialises the maintenance of the responsibility relation: locks and rewrites the row of private.responsibility_guard (once per transaction), which no API role can lock. At REPEATABLE READ or SERIALIZABLE, a snapshot older than the last maintainer''s commit is refused with PM701.';

create or replace function private.check_responsibility_users(p_user_ids uuid[]) returns void
language plpgsql
volatile
security invoker -- called by the definer maintenance functions
set search_path = ''
as $$
begin
  if pg_catalog.current_setting('transaction_isolation') = 'read committed'
     or coalesce(pg_catalog.cardinality(p_user_ids), 0) = 0 then
    return;
  end if;
  begin
    -- A mark written after this snapshot (a sign-up this transaction cannot see) is a serialization failure.
    insert into private.responsibility_user_marks (user_id)
    select distinct u.id from unnest(p_user_ids) as u (id) where u.id is not null
    on conflict (user_id) do nothing;
  exception when serialization_failure then
    raise exception 'the responsibility relation cannot be kept exact at % for this change: a mentor signed up after this transaction''s snapshot was taken',
        pg_catalog.upper(pg_catalog.current_setting('transaction_isolation'))
      using errcode = 'PM701',
            hint = 'retry the transaction, or run membership and mentor changes at READ COMMITTED (as PostgREST and pg_cron do); nothing was changed';
  end;
end;
$$;
comment on function private.check_responsibility_users(uuid[]) is
  'At REPEATABLE READ or SERIALIZABLE: refuses (PM701) a maintainer whose snapshot cannot see a sign-up of one of these users (its mark in private.responsibility_user_marks is newer). A no-op at READ COMMITTED.';

comment on table private.responsibility_guard is
  'One row: the responsibility relation''s lock. Every maintainer locks and rewrites it (private.lock_responsibility()), so maintenance is serialised, and a REPEATABLE READ or SERIALIZABLE maintainer whose snapshot misses a newer version is refused (PM701). No API role may read or lock it.';
comment on table private.responsibility_user_marks is
  'A row per user whose mentor signed up without the relation''s lock (rewritten at each such sign-up) or whose memberships a REPEATABLE READ / SERIALIZABLE maintainer changed: the version a stale snapshot cannot see, so such a maintainer is refused (PM701) instead of missing the new mentor.';
