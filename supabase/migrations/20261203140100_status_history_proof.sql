-- A proof on every history row, written by the database in the same statement as the row, and a history writer
-- recognised by who it is, not by how deep it is nested (issue 19, step 1; issue 18, hole 5).
--
-- The proof. Each history row carries
--   proof                  sha256 over the mentor's previous row's proof (32 zero bytes for its first row) and a
--                          canonical encoding of the row (private.status_history_proof): its id, mentor, statuses,
--                          changed_at, reason, the two actor pseudonyms and proof_origin. The rows of one mentor,
--                          ordered by (changed_at, id) as the contract orders them, form one hash chain; each
--                          mentor's writes are serialised by its peer_mentors row lock, so the chain cannot fork.
--   changed_by_pseudonym   sha256('pm:actor:' || the 16 bytes of changed_by); null when changed_by was null when
--   job_run_pseudonym      the row was written. The proof commits to these, not to the foreign keys, so a
--                          changed_by / job_run_id set null by its foreign key (user or job run deleted) keeps
--                          the row verifiable, while a changed_by cleared by hand (its user still exists) is seen.
--   proof_origin           'trigger' (the history triggers), 'backfill' (the owner's opt-in, below), 'adopted'
--                          (rows that existed before this migration: proven here, once). Committed in the proof.
-- The encoding uses binary send functions and UTF-8 text with a terminator, never text output of timestamps or
-- numbers: nothing in it depends on TimeZone, DateStyle, extra_float_digits, bytea_output or the client.
-- verify_status_history() (next migration) recomputes it; docs/tamper-evidence.md describes the whole design.
--
-- The writer. The history triggers on peer_mentors now run as a dedicated NOLOGIN role, status_history_writer,
-- which owns their functions (security definer) and which no login role is a member of. The one-writer guard
-- lets an INSERT through when current_user is that role: only those two functions run as it. It no longer
-- trusts pg_trigger_depth() > 1, which any trigger reaches (a temp table's trigger of the owner's included).
-- The backfill opt-in counts only when it names the current transaction:
--     select set_config('app.history_backfill', txid_current()::text, true);
-- A value set for the session, a role or the database names some other transaction and is ignored ('on', the
-- old form, is ignored too). Rows a backfill inserts without a proof get one from
-- peer_mentor_status_history_prove_backfill (proof_origin 'backfill'); they must come after the mentor's last row
-- (PM604), since the chain only grows at its end. Rows inserted WITH a proof (a data-only restore, see
-- docs/tamper-evidence.md) are stored as given: verification judges them.
--
-- Erasures. Deleting a mentor (the GDPR erasure; its history cascades) now records the erasure in
-- public.status_history_erasures, append-only: when, by whom (auth.uid() and the role), how many history rows went
-- and the chain head they ended in (a hash, not the erased content). Verification never reports a recorded
-- erasure.
--
-- Cost: existing rows are proven once here by private.prove_status_history() (one UPDATE per chain position,
-- with the history's append-only trigger disabled inside this transaction: writers of the history wait for it).
-- The same function proves rows loaded by hand later (a benchmark's seed).
--
-- Errors: PM202 (unchanged code, new rule) the history is written by its triggers or an opt-in naming the
-- transaction; PM602 the erasure records are append-only; PM604 a backfilled row must come after the mentor's
-- last row.
set lock_timeout = '3s';
set statement_timeout = '30min';

-- In the app's order: users, peer_mentors, history, then the others. The history's ACCESS EXCLUSIVE is what
-- ADD COLUMN and DROP TRIGGER below take anyway: taken first, never upgraded. It is held until commit, so reads
-- of the history wait while the existing rows are proven (measured: see docs/tamper-evidence.md).
do $$
begin
  lock table public.users, public.peer_mentors in share row exclusive mode;
  lock table public.peer_mentor_status_history in access exclusive mode;
end
$$;

-- ---------------------------------------------------------------------------------------------------------
-- The writer role (cluster-wide: created once, kept by the rollback if another database still uses it)
-- ---------------------------------------------------------------------------------------------------------
do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'status_history_writer') then
    create role status_history_writer nologin noinherit;
  end if;
end
$$;
comment on role status_history_writer is
  'NOLOGIN, no members: owns the history triggers'' functions on peer_mentors (security definer), so the one-writer guard on peer_mentor_status_history recognises them by current_user. Granting it to anyone defeats the guard.';

-- ---------------------------------------------------------------------------------------------------------
-- The columns, and the proof's encoding
-- ---------------------------------------------------------------------------------------------------------
alter table public.peer_mentor_status_history
  add column changed_by_pseudonym bytea,
  add column job_run_pseudonym bytea,
  add column proof_origin text,
  add column proof bytea;
comment on column public.peer_mentor_status_history.changed_by_pseudonym is
  'sha256(''pm:actor:'' || the 16 bytes of changed_by) when the row was written; null for system changes. The proof commits to this, not to changed_by, so the foreign key''s ON DELETE SET NULL keeps the row verifiable.';
comment on column public.peer_mentor_status_history.job_run_pseudonym is
  'sha256(''pm:actor:'' || the 16 bytes of job_run_id) when the row was written; null for changes made by people. Committed in the proof instead of job_run_id (ON DELETE SET NULL).';
comment on column public.peer_mentor_status_history.proof_origin is
  'Who wrote the proof: trigger (the history triggers), backfill (the owner''s transaction-local opt-in), adopted (rows that existed before proofs, proven by migration 20261203140100). Committed in the proof.';
comment on column public.peer_mentor_status_history.proof is
  'sha256 over the mentor''s previous row''s proof (per mentor, in (changed_at, id) order; 32 zero bytes before the first) and this row''s canonical encoding (private.status_history_proof). Written in the same statement as the row; checked by verify_status_history().';

create function private.status_history_pseudonym(p_id uuid) returns bytea
language sql
immutable
parallel safe
-- No `set search_path` on purpose: a SQL function with a SET clause is never inlined, and this one runs per row
-- inside the writers' INSERT ... SELECT. Every name in it is schema-qualified.
as $$
  select pg_catalog.sha256('\x706d3a6163746f723a'::bytea || pg_catalog.uuid_send(p_id))  -- 'pm:actor:' || 16 bytes
$$;
comment on function private.status_history_pseudonym(uuid) is
  'The pseudonym a history row''s proof commits to for an actor (changed_by, job_run_id): sha256(''pm:actor:'' || its 16 bytes); null for null.';

create function private.status_history_proof(
  p_previous_proof bytea,
  p_id bigint,
  p_mentor_id uuid,
  p_previous_status public.mentor_status,
  p_new_status public.mentor_status,
  p_changed_at timestamptz,
  p_reason text,
  p_changed_by_pseudonym bytea,
  p_job_run_pseudonym bytea,
  p_proof_origin text
) returns bytea
language sql
stable -- enum to text and convert_to are stable; nothing here reads a setting
parallel safe
-- No `set search_path` on purpose: inlined into the writers' set-based INSERT ... SELECT and into the verifier
-- (a SQL function with a SET clause is never inlined). Every name in it is schema-qualified.
as $$
  select pg_catalog.sha256(
    coalesce(p_previous_proof, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
    || '\x706d73683a7631'::bytea                                     -- 'pmsh:v1'
    || pg_catalog.int8send(p_id)                                     -- 8 bytes, big-endian
    || pg_catalog.uuid_send(p_mentor_id)                             -- 16 bytes
    -- text: 0x00 for null, else 0x01, its UTF-8 bytes and a 0x00 terminator (text never holds a zero byte)
    || case when p_previous_status is null then '\x00'::bytea
            else '\x01'::bytea || pg_catalog.convert_to(p_previous_status::text, 'UTF8') || '\x00'::bytea end
    || case when p_new_status is null then '\x00'::bytea
            else '\x01'::bytea || pg_catalog.convert_to(p_new_status::text, 'UTF8') || '\x00'::bytea end
    || pg_catalog.timestamptz_send(p_changed_at)                     -- 8 bytes: microseconds since 2000-01-01 UTC
    || case when p_reason is null then '\x00'::bytea
            else '\x01'::bytea || pg_catalog.convert_to(p_reason, 'UTF8') || '\x00'::bytea end
    -- bytes: 0x00 for null, else 0x01, a 4-byte length and the bytes
    || case when p_changed_by_pseudonym is null then '\x00'::bytea
            else '\x01'::bytea || pg_catalog.int4send(pg_catalog.octet_length(p_changed_by_pseudonym)) || p_changed_by_pseudonym end
    || case when p_job_run_pseudonym is null then '\x00'::bytea
            else '\x01'::bytea || pg_catalog.int4send(pg_catalog.octet_length(p_job_run_pseudonym)) || p_job_run_pseudonym end
    || case when p_proof_origin is null then '\x00'::bytea
            else '\x01'::bytea || pg_catalog.convert_to(p_proof_origin, 'UTF8') || '\x00'::bytea end
  )
$$;
comment on function private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text) is
  'A history row''s proof: sha256(previous proof (32 zero bytes for a mentor''s first row) || ''pmsh:v1'' || id (int8, big-endian) || mentor_id (16 bytes) || previous_status, new_status (text) || changed_at (int8 microseconds since 2000-01-01 UTC) || reason (text) || changed_by_pseudonym, job_run_pseudonym (bytes) || proof_origin (text)); text is 0x00 for null else 0x01 + UTF-8 + 0x00, bytes 0x00 for null else 0x01 + int4 length + bytes. Independent of every session setting.';

-- ---------------------------------------------------------------------------------------------------------
-- Rows without a proof (the rows that existed before this migration; rows loaded by hand, e.g. a benchmark's
-- seed): proven by private.prove_status_history(), proof_origin 'adopted'
-- ---------------------------------------------------------------------------------------------------------
create function private.prove_status_history() returns bigint
language plpgsql
volatile
security invoker -- ALTER TABLE below: only the history's owner can run it
set search_path = ''
as $$
declare
  v_proven bigint := 0;
  v_count bigint;
  v_positions bigint;
begin
  -- Chain position by chain position (a row's proof needs its predecessor's), each UPDATE set-based; a row is
  -- chained on the proof its predecessor has stored. Rows that already have a proof are left alone. The
  -- statements on the temporary table are built with format() (it does not exist when plpgsql_check looks).
  execute pg_catalog.format('
    create temporary table %I on commit drop as
    select h.id, h.mentor_id, h.proof is null as unproven,
           pg_catalog.row_number() over (partition by h.mentor_id order by h.changed_at, h.id) as position
      from public.peer_mentor_status_history h
     where h.mentor_id in (select u.mentor_id from public.peer_mentor_status_history u where u.proof is null)',
    'status_history_adoption');
  execute pg_catalog.format('create index on pg_temp.%I (position) where unproven', 'status_history_adoption');
  execute pg_catalog.format('create index on pg_temp.%I (mentor_id, position)', 'status_history_adoption');
  execute pg_catalog.format('analyze pg_temp.%I', 'status_history_adoption');
  execute pg_catalog.format('select coalesce(pg_catalog.max(a.position), 0) from pg_temp.%I a where a.unproven', 'status_history_adoption')
    into v_positions;

  alter table public.peer_mentor_status_history disable trigger peer_mentor_status_history_append_only;
  for p in 1..v_positions loop
    execute pg_catalog.format('
      update public.peer_mentor_status_history h
         set changed_by_pseudonym = private.status_history_pseudonym(h.changed_by),
             job_run_pseudonym = private.status_history_pseudonym(h.job_run_id),
             proof_origin = ''adopted'',
             proof = private.status_history_proof(prev.proof, h.id, h.mentor_id, h.previous_status, h.new_status,
                       h.changed_at, h.reason, private.status_history_pseudonym(h.changed_by),
                       private.status_history_pseudonym(h.job_run_id), ''adopted'')
        from pg_temp.%1$I a
        left join pg_temp.%1$I pa on pa.mentor_id = a.mentor_id and pa.position = a.position - 1
        left join public.peer_mentor_status_history prev on prev.id = pa.id
       where a.position = $1
         and a.unproven
         and h.id = a.id
         and h.proof is null', 'status_history_adoption')
      using p;
    get diagnostics v_count = row_count;
    v_proven := v_proven + v_count;
  end loop;
  alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_append_only;
  execute pg_catalog.format('drop table pg_temp.%I', 'status_history_adoption');
  return v_proven;
end;
$$;
comment on function private.prove_status_history() is
  'Owner only. Gives every history row that has no proof one (proof_origin adopted), chain position by chain position, each chained on its predecessor''s stored proof; returns how many. For rows older than the proof (migration 20261203140100) and rows loaded by hand (a benchmark''s seed). Takes the history''s append-only trigger off for its own transaction.';
revoke all on function private.prove_status_history() from public, anon, authenticated, service_role;

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
revoke all on function
  private.status_history_pseudonym(uuid),
  private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text)
  from public, anon, authenticated, service_role;
grant execute on function private.status_history_pseudonym(uuid) to status_history_writer;
grant execute on function
  private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text)
  to status_history_writer;

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
