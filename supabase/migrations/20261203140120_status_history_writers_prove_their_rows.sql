-- Issue 19, step 1 (third of three, see 20261203140100's header): the history's writers start proving their own
-- rows. Under a short lock in the app's order (users, peer_mentors: SHARE ROW EXCLUSIVE; the history and the
-- outbox: ACCESS EXCLUSIVE, which DROP TRIGGER and CREATE POLICY take anyway): the rows written since
-- 20261203140110 proved the others (a handful: the app kept writing, with the old triggers, rows without a proof)
-- are proven by private.prove_status_history(), then the writers, the guard, the backfill proof and the erasure
-- records of 20261203140100's header are switched on in the same transaction. A writer that was waiting commits
-- its next row with a proof chained on a proven row; no row is left without one.
--
-- Errors: PM202 (unchanged code, new rule) the history is written by its triggers or an opt-in naming the
-- transaction; PM602 the erasure records are append-only; PM604 a backfilled row must come after the mentor's
-- last row.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- users and peer_mentors first, waiting as any lock (lock_timeout); then the history and the outbox with NOWAIT:
-- when they are not free at once (a reader of the history in flight, autovacuum after 20261203140110's UPDATE,
-- which a waiting lock cancels only after deadlock_timeout, 1 s, while every writer waits behind this one), all
-- four are let go and asked for again 20 ms later, for up to a minute; after that they are waited for.
do $$
declare
  v_deadline timestamptz := pg_catalog.clock_timestamp() + interval '1 minute';
  v_nowait boolean;
begin
  loop
    v_nowait := false;
    begin
      lock table public.users, public.peer_mentors in share row exclusive mode;
      v_nowait := true;
      lock table public.peer_mentor_status_history, public.coordinator_notifications in access exclusive mode nowait;
      exit;
    exception when lock_not_available then
      if not v_nowait then
        raise;  -- users or peer_mentors not had within lock_timeout: fail as any migration would
      end if;
      if pg_catalog.clock_timestamp() > v_deadline then
        lock table public.users, public.peer_mentors in share row exclusive mode;
        lock table public.peer_mentor_status_history, public.coordinator_notifications in access exclusive mode;
        exit;
      end if;
      perform pg_catalog.pg_sleep(0.02);
    end;
  end loop;
end
$$;

-- The rows written since 20261203140110 (its second pass took its snapshot): proven as it proved the others.
select private.prove_status_history();

-- ---------------------------------------------------------------------------------------------------------
-- The writers: proof computed in the same INSERT ... SELECT that writes the rows
-- ---------------------------------------------------------------------------------------------------------
create function private.history_changed_by() returns uuid
language sql
stable
security definer -- reads auth.uid() for the writer role, which has no USAGE on schema auth (owned by the platform)
set search_path = ''
as $$
  select auth.uid()
$$;
comment on function private.history_changed_by() is
  'auth.uid() for the history writer (status_history_writer cannot be granted USAGE on schema auth by the project''s role).';
revoke all on function private.history_changed_by() from public, anon, authenticated, service_role;

create or replace function private.record_status_history_on_insert() returns trigger
language plpgsql
volatile
security definer -- runs as status_history_writer (owner, below): the one role the history's guard lets write
set search_path = ''
as $$
declare
  v_changed_by uuid := private.history_changed_by();
  v_job_run_id uuid := private.job_run_id_for_history();
  v_changed_by_pseudonym bytea := private.status_history_pseudonym(v_changed_by);
  v_job_run_pseudonym bytea := private.status_history_pseudonym(v_job_run_id);
begin
  -- A new mentor's first row: the start of its chain (no previous proof).
  insert into public.peer_mentor_status_history
         (id, mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id,
          changed_by_pseudonym, job_run_pseudonym, proof_origin, proof)
  overriding system value
  select c.id, c.mentor_id, null, c.new_status, v_changed_by, c.changed_at, c.reason, v_job_run_id,
         v_changed_by_pseudonym, v_job_run_pseudonym, 'trigger',
         private.status_history_proof(null, c.id, c.mentor_id, null, c.new_status, c.changed_at, c.reason,
                                      v_changed_by_pseudonym, v_job_run_pseudonym, 'trigger')
    from (select pg_catalog.nextval('public.peer_mentor_status_history_id_seq') as id,
                 n.id as mentor_id, n.status as new_status, n.status_changed_at as changed_at, n.status_reason as reason
            from new_rows n) c;
  return null;
end;
$$;
comment on function private.record_status_history_on_insert() is
  'AFTER INSERT statement trigger on peer_mentors: one history row per new mentor (previous_status null), with its proof (the first link of the mentor''s chain), set-based over the transition table. Runs as status_history_writer.';

create or replace function private.record_status_history_on_update() returns trigger
language plpgsql
volatile
security definer -- runs as status_history_writer (owner, below): the one role the history's guard lets write
set search_path = ''
as $$
declare
  v_changed_by uuid := private.history_changed_by();
  v_job_run_id uuid := private.job_run_id_for_history();
  v_changed_by_pseudonym bytea := private.status_history_pseudonym(v_changed_by);
  v_job_run_pseudonym bytea := private.status_history_pseudonym(v_job_run_id);
  v_nestloop text;
begin
  -- Each row's proof chains on the mentor's last row (by (changed_at, id)), read through the timeline index.
  -- The mentor's row lock, held by this UPDATE, serialises its writers: the last row is committed or ours.
  if (select pg_catalog.count(*) from new_rows) <= 100 then
    -- A few rows (an app's change): static, the plan is cached for the session.
    with history as (
      insert into public.peer_mentor_status_history
             (id, mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id,
              changed_by_pseudonym, job_run_pseudonym, proof_origin, proof)
      overriding system value
      select c.id, c.mentor_id, c.previous_status, c.new_status, v_changed_by, c.changed_at, c.reason, v_job_run_id,
             v_changed_by_pseudonym, v_job_run_pseudonym, 'trigger',
             private.status_history_proof(
               (select p.proof from public.peer_mentor_status_history p
                 where p.mentor_id = c.mentor_id order by p.changed_at desc, p.id desc limit 1),
               c.id, c.mentor_id, c.previous_status, c.new_status, c.changed_at, c.reason,
               v_changed_by_pseudonym, v_job_run_pseudonym, 'trigger')
        from (select pg_catalog.nextval('public.peer_mentor_status_history_id_seq') as id, n.id as mentor_id,
                     o.status as previous_status, n.status as new_status, n.status_changed_at as changed_at,
                     n.status_reason as reason
                from new_rows n
                join old_rows o on o.id = n.id
               where n.status is distinct from o.status) c
      returning id, mentor_id, new_status, changed_by
    )
    insert into public.coordinator_notifications (history_id, coordinator_id)
    select distinct h.id, r.coordinator_id
      from history h
      join private.responsibilities r on r.mentor_id = h.mentor_id
     where h.new_status in ('paused', 'inactive')
       and r.coordinator_id is distinct from h.changed_by
    on conflict (history_id, coordinator_id) do nothing;
  else
    -- A bulk statement: planned for its own transition tables, hash joins for the joins (the previous proof is
    -- one index probe per mentor whatever the plan).
    v_nestloop := pg_catalog.current_setting('enable_nestloop');
    perform pg_catalog.set_config('enable_nestloop', 'off', true);
    execute '
      with history as (
        insert into public.peer_mentor_status_history
               (id, mentor_id, previous_status, new_status, changed_by, changed_at, reason, job_run_id,
                changed_by_pseudonym, job_run_pseudonym, proof_origin, proof)
        overriding system value
        select c.id, c.mentor_id, c.previous_status, c.new_status, $1, c.changed_at, c.reason, $2,
               $3, $4, ''trigger'',
               private.status_history_proof(
                 (select p.proof from public.peer_mentor_status_history p
                   where p.mentor_id = c.mentor_id order by p.changed_at desc, p.id desc limit 1),
                 c.id, c.mentor_id, c.previous_status, c.new_status, c.changed_at, c.reason, $3, $4, ''trigger'')
          from (select pg_catalog.nextval(''public.peer_mentor_status_history_id_seq'') as id, n.id as mentor_id,
                       o.status as previous_status, n.status as new_status, n.status_changed_at as changed_at,
                       n.status_reason as reason
                  from new_rows n
                  join old_rows o on o.id = n.id
                 where n.status is distinct from o.status) c
        returning id, mentor_id, new_status, changed_by
      )
      insert into public.coordinator_notifications (history_id, coordinator_id)
      select distinct h.id, r.coordinator_id
        from history h
        join private.responsibilities r on r.mentor_id = h.mentor_id
       where h.new_status in (''paused'', ''inactive'')
         and r.coordinator_id is distinct from h.changed_by
      on conflict (history_id, coordinator_id) do nothing'
      using v_changed_by, v_job_run_id, v_changed_by_pseudonym, v_job_run_pseudonym;
    perform pg_catalog.set_config('enable_nestloop', v_nestloop, true);
  end if;
  return null;
end;
$$;
comment on function private.record_status_history_on_update() is
  'AFTER UPDATE statement trigger on peer_mentors: one history row per mentor whose status changed, with its proof chained on the mentor''s last row, and in the same statement one coordinator notification per responsible coordinator (private.responsibilities) for each change to paused or inactive, none for the coordinator who made it; set-based over the transition tables. Runs as status_history_writer.';

-- What the writer needs, and nothing else. It is no table's owner, so row level security applies to it: it gets
-- its own policies (the API roles' policies are untouched).
grant usage on schema public, private to status_history_writer;
grant select, insert on table public.peer_mentor_status_history to status_history_writer;
grant usage on sequence public.peer_mentor_status_history_id_seq to status_history_writer;
grant insert on table public.coordinator_notifications to status_history_writer;
-- ON CONFLICT (history_id, coordinator_id) reads the arbiter's columns.
grant select (history_id, coordinator_id) on table public.coordinator_notifications to status_history_writer;
grant select on table private.responsibilities to status_history_writer;
grant execute on function private.history_changed_by() to status_history_writer;
grant execute on function private.job_run_id_for_history() to status_history_writer;

create policy peer_mentor_status_history_insert_by_writer on public.peer_mentor_status_history
  for insert to status_history_writer with check (true);
create policy peer_mentor_status_history_select_by_writer on public.peer_mentor_status_history
  for select to status_history_writer using (true);
create policy coordinator_notifications_insert_by_writer on public.coordinator_notifications
  for insert to status_history_writer with check (true);
-- ON CONFLICT checks the new row against the SELECT policies as well.
create policy coordinator_notifications_select_by_writer on public.coordinator_notifications
  for select to status_history_writer using (true);

-- The writer functions change owner: the migration's role (postgres, CREATEROLE, not a superuser) becomes a member
-- of status_history_writer for these statements only, and gives it CREATE on private for them (ALTER ... OWNER
-- needs both), then takes both back.
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

-- ---------------------------------------------------------------------------------------------------------
-- The guard: the writer role, or the owner's opt-in naming this transaction
-- ---------------------------------------------------------------------------------------------------------
create or replace function private.keep_status_history_single_writer() returns trigger
language plpgsql
volatile
security invoker -- must see the caller's own role: the writer's, or the owner's for the opt-in
set search_path = ''
as $$
begin
  -- The history triggers on peer_mentors run as status_history_writer (their functions' owner); nobody else
  -- can, short of being granted that role.
  if current_user = 'status_history_writer' then
    return null;
  end if;
  -- A backfill or a data restore: the owner, with an opt-in that names this very transaction (set for a
  -- session, a role or the database it names another transaction, and counts for nothing).
  if pg_catalog.current_setting('app.history_backfill', true) = pg_catalog.txid_current()::text
     and pg_catalog.pg_has_role(current_user,
           (select c.relowner from pg_catalog.pg_class c where c.oid = tg_relid), 'member') then
    return null;
  end if;
  raise exception 'peer_mentor_status_history is written only by the database''s triggers: change peer_mentors.status instead'
    using errcode = 'PM202',
          hint = 'a migration that must backfill history opts in as the table owner, in its own transaction: select set_config(''app.history_backfill'', txid_current()::text, true)';
end;
$$;
comment on function private.keep_status_history_single_writer() is
  'BEFORE INSERT statement trigger on the history (ENABLE ALWAYS): refuses every INSERT (PM202) except the history triggers'' (current_user = status_history_writer) and an owner''s opt-in naming the current transaction (set_config(''app.history_backfill'', txid_current()::text, true)).';

-- The guard is not even called for the history's writer: the trigger's WHEN skips it (one comparison in the
-- executor instead of a PL/pgSQL call per statement on every audited change). ENABLE ALWAYS, as before.
drop trigger peer_mentor_status_history_single_writer on public.peer_mentor_status_history;
create trigger peer_mentor_status_history_single_writer
  before insert on public.peer_mentor_status_history
  for each statement
  when (current_user <> 'status_history_writer')
  execute function private.keep_status_history_single_writer();
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_single_writer;

-- ---------------------------------------------------------------------------------------------------------
-- Backfilled rows get their proof (rows that come with one, a restore's, are stored as given)
-- ---------------------------------------------------------------------------------------------------------
create function private.prove_backfilled_status_history() returns trigger
language plpgsql
volatile
security invoker -- only the owner's opt-in gets this far (the guard runs first, per statement)
set search_path = ''
as $$
declare
  v_last record;
begin
  -- Serialise with the mentor's other writers, as the triggers are by the UPDATE's row lock.
  perform 1 from public.peer_mentors m where m.id = new.mentor_id for no key update;
  select p.id, p.changed_at, p.proof into v_last
    from public.peer_mentor_status_history p
   where p.mentor_id = new.mentor_id
   order by p.changed_at desc, p.id desc
   limit 1;
  if v_last.id is not null and (new.changed_at, new.id) <= (v_last.changed_at, v_last.id) then
    raise exception 'a backfilled history row must come after the mentor''s last row (mentor %: last row % at %, this one at %)',
        new.mentor_id, v_last.id, v_last.changed_at, new.changed_at
      using errcode = 'PM604',
            hint = 'the proof chain only grows at its end: give the row a changed_at after the mentor''s last one';
  end if;
  new.changed_by_pseudonym := private.status_history_pseudonym(new.changed_by);
  new.job_run_pseudonym := private.status_history_pseudonym(new.job_run_id);
  new.proof_origin := 'backfill';
  new.proof := private.status_history_proof(v_last.proof, new.id, new.mentor_id, new.previous_status, new.new_status,
                 new.changed_at, new.reason, new.changed_by_pseudonym, new.job_run_pseudonym, new.proof_origin);
  return new;
end;
$$;
comment on function private.prove_backfilled_status_history() is
  'BEFORE INSERT row trigger on the history, for rows inserted without a proof (an owner''s backfill): chains the row on the mentor''s last one (PM604 if it would not come after it), marks it proof_origin backfill.';

create trigger peer_mentor_status_history_prove_backfill
  before insert on public.peer_mentor_status_history
  for each row when (new.proof is null)
  execute function private.prove_backfilled_status_history();
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_prove_backfill;
revoke all on function private.prove_backfilled_status_history() from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- Erasure records
-- ---------------------------------------------------------------------------------------------------------
create table public.status_history_erasures (
  id bigint generated always as identity primary key,
  mentor_id uuid not null,
  erased_at timestamptz not null,
  erased_by uuid,
  erased_by_role text not null,
  history_rows bigint not null,
  last_history_id bigint,
  last_proof bytea
);
comment on table public.status_history_erasures is
  'One row per erased mentor (peer_mentors row deleted, its history cascaded), written by the database when it happens; append-only (PM602). Keeps no erased content: the mentor''s id (a random uuid), when, by whom, how many history rows went and the hash their chain ended in. verify_status_history() never reports a recorded erasure. Service role reads it.';
comment on column public.status_history_erasures.mentor_id is 'The erased mentor''s id (peer_mentors.id, a random uuid; no foreign key: the mentor is gone).';
comment on column public.status_history_erasures.erased_at is 'When (clock time of the deletion).';
comment on column public.status_history_erasures.erased_by is 'auth.uid() of the deleting caller; null for system callers (service role, owner). No foreign key: a record outlives its actor.';
comment on column public.status_history_erasures.erased_by_role is 'The database role that deleted the mentor (current_user).';
comment on column public.status_history_erasures.history_rows is 'How many history rows the cascade removed.';
comment on column public.status_history_erasures.last_history_id is 'The id of the mentor''s last history row (its chain head); null when it had none.';
comment on column public.status_history_erasures.last_proof is 'That row''s proof: what a digest taken before the erasure holds for this mentor.';

alter table public.status_history_erasures enable row level security;
revoke all on table public.status_history_erasures from public, anon, authenticated, service_role;
grant select on table public.status_history_erasures to service_role;
revoke all on sequence public.status_history_erasures_id_seq from public, anon, authenticated, service_role;

create function private.record_mentor_erasure() returns trigger
language plpgsql
volatile
security definer -- writes the erasure records, on which no API role has INSERT
set search_path = ''
as $$
begin
  insert into public.status_history_erasures
         (mentor_id, erased_at, erased_by, erased_by_role, history_rows, last_history_id, last_proof)
  -- The caller's role: inside this definer function current_user is the owner, so the role set for the session
  -- (PostgREST's SET ROLE: service_role), else the login role.
  select old.id, pg_catalog.clock_timestamp(), auth.uid(),
         coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user::text),
         (select pg_catalog.count(*) from public.peer_mentor_status_history h where h.mentor_id = old.id),
         l.id, l.proof
    from (select 1) one
    left join lateral (select h.id, h.proof from public.peer_mentor_status_history h
                        where h.mentor_id = old.id order by h.changed_at desc, h.id desc limit 1) l on true;
  return old;
end;
$$;
comment on function private.record_mentor_erasure() is
  'BEFORE DELETE row trigger on peer_mentors: records the erasure (status_history_erasures) before the history cascades.';
revoke all on function private.record_mentor_erasure() from public, anon, authenticated, service_role;

create trigger peer_mentors_record_erasure
  before delete on public.peer_mentors
  for each row execute function private.record_mentor_erasure();

create function private.keep_status_history_erasures_append_only() returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
    using errcode = 'PM602',
          hint = 'tamper-evidence records are written by the database and kept; see docs/tamper-evidence.md';
end;
$$;
comment on function private.keep_status_history_erasures_append_only() is
  'BEFORE UPDATE/DELETE row and TRUNCATE statement trigger (ENABLE ALWAYS) on the tamper-evidence records: refuses (PM602).';
revoke all on function private.keep_status_history_erasures_append_only() from public, anon, authenticated, service_role;

create trigger status_history_erasures_append_only
  before update or delete on public.status_history_erasures
  for each row execute function private.keep_status_history_erasures_append_only();
create trigger status_history_erasures_no_truncate
  before truncate on public.status_history_erasures
  for each statement execute function private.keep_status_history_erasures_append_only();
alter table public.status_history_erasures enable always trigger status_history_erasures_append_only;
alter table public.status_history_erasures enable always trigger status_history_erasures_no_truncate;
