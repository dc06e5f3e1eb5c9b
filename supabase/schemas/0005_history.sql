-- The database writes the status history, and the coordinators' notifications with it; nobody can edit it.
--
-- On peer_mentors:
--   peer_mentors_history_on_insert / _on_update (AFTER, per statement, transition tables, security definer)
--       one history row per inserted mentor and per mentor whose status changed, written set-based: a bulk
--       UPDATE of N mentors writes its N rows in one INSERT ... SELECT. An UPDATE writes, in the same
--       statement (INSERT ... RETURNING feeding the outbox INSERT), one coordinator notification per
--       responsible coordinator (private.responsibilities) for each change to paused or inactive, none for the
--       coordinator who made it, never twice (unique key).
-- On peer_mentor_status_history (ENABLE ALWAYS: they fire in session_replication_role = replica too):
--   peer_mentor_status_history_single_writer (BEFORE INSERT, per statement, WHEN current_user is not the writer)
--       only the triggers above insert: they run as status_history_writer (their functions' owner, a NOLOGIN
--       role nobody is a member of); a migration that must backfill history opts in as the table owner with a
--       value naming its transaction: select set_config('app.history_backfill', txid_current()::text, true).
--   peer_mentor_status_history_prove_backfill (BEFORE INSERT per row, WHEN the row has no proof)
--       a backfilled row's proof (proof_origin backfill), chained after the mentor's last row (PM604).
--   peer_mentor_status_history_append_only (BEFORE UPDATE / DELETE per row), _no_truncate (BEFORE TRUNCATE)
--       refuse every change except the foreign keys' own actions.
--
-- Tamper evidence (docs/tamper-evidence.md): every row's proof (a per-mentor sha256 chain, written in the same
-- statement as the row), erasure records, digests (status_history_digest) and verify_status_history.
--
-- Errors:
--   PM002  app.job_run_id names no running job run
--   PM201  peer_mentor_status_history is append-only
--   PM202  peer_mentor_status_history is written only by the database's triggers
--   PM601  not a status history digest; PM602 the tamper-evidence records are append-only
--   PM603  a digest needs READ COMMITTED; PM604 a backfilled row must come after the mentor's last row

-- ---------------------------------------------------------------------------------------------------------
-- AFTER: the history rows (and the outbox rows), set-based
-- ---------------------------------------------------------------------------------------------------------
create function private.job_run_id_for_history() returns uuid
language plpgsql
stable
security definer -- checks job_runs, which callers cannot read
set search_path = ''
as $$
declare
  v_job_run_id uuid := private.job_run_id_setting();
begin
  if v_job_run_id is not null
     and not exists (select 1 from public.job_runs where id = v_job_run_id and status = 'running') then
    raise exception 'app.job_run_id % names no running job run', v_job_run_id
      using errcode = 'PM002',
            hint = 'insert a job_runs row (status running) first and set its id; finished runs cannot be attributed more changes';
  end if;
  return v_job_run_id;
end;
$$;
comment on function private.job_run_id_for_history() is
  'The job run a change is attributed to: app.job_run_id, validated (PM001 not a uuid, PM002 no such running job run).';

-- The proof: a row's canonical encoding, chained per mentor (docs/tamper-evidence.md).
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


create function private.record_status_history_on_insert() returns trigger
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

-- Statements of more than 100 rows run through EXECUTE, planned for their own transition tables: a static
-- statement's plan is cached per session, and after a few one-row updates the cached nested-loop join would
-- make a later bulk UPDATE on the same connection quadratic (measured by npm run bench). The bulk path runs
-- with nested loops off for that statement: hash joins, linear whatever the statistics say.
create function private.record_status_history_on_update() returns trigger
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

create trigger peer_mentors_history_on_insert
  after insert on public.peer_mentors
  referencing new table as new_rows
  for each statement execute function private.record_status_history_on_insert();

create trigger peer_mentors_history_on_update
  after update on public.peer_mentors
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.record_status_history_on_update();

-- ---------------------------------------------------------------------------------------------------------
-- One writer, append-only
-- ---------------------------------------------------------------------------------------------------------
create function private.keep_status_history_single_writer() returns trigger
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

create trigger peer_mentor_status_history_single_writer
  before insert on public.peer_mentor_status_history
  for each statement
  when (current_user <> 'status_history_writer')
  execute function private.keep_status_history_single_writer();

create function private.keep_status_history_append_only() returns trigger
language plpgsql
volatile
security definer -- looks up parents through RLS to recognise the foreign keys' own actions
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    raise exception 'peer_mentor_status_history is append-only: TRUNCATE is not allowed'
      using errcode = 'PM201';
  elsif tg_op = 'DELETE' then
    -- The one delete allowed is mentor_id's ON DELETE CASCADE: by then the mentor is gone.
    if not exists (select 1 from public.peer_mentors where id = old.mentor_id) then
      return old;
    end if;
    raise exception 'peer_mentor_status_history is append-only: rows cannot be deleted (history row %)', old.id
      using errcode = 'PM201',
            hint = 'history goes only with its mentor (GDPR erasure: delete the peer_mentors row)';
  end if;

  -- UPDATE: only ON DELETE SET NULL of changed_by / job_run_id, once that user or job run is gone.
  if new.id = old.id
     and new.mentor_id = old.mentor_id
     and new.previous_status is not distinct from old.previous_status
     and new.new_status = old.new_status
     and new.changed_at = old.changed_at
     and new.reason is not distinct from old.reason
     -- The proof and what it commits to: set when the row is written (or once, by the adoption of rows older
     -- than the proof), never changed after.
     and (old.proof is null
          or (new.proof = old.proof
              and new.proof_origin is not distinct from old.proof_origin
              and new.changed_by_pseudonym is not distinct from old.changed_by_pseudonym
              and new.job_run_pseudonym is not distinct from old.job_run_pseudonym))
     and (new.changed_by is not distinct from old.changed_by
          or (new.changed_by is null and not exists (select 1 from public.users where id = old.changed_by)))
     and (new.job_run_id is not distinct from old.job_run_id
          or (new.job_run_id is null and not exists (select 1 from public.job_runs where id = old.job_run_id))) then
    return new;
  end if;
  raise exception 'peer_mentor_status_history is append-only: rows cannot be updated (history row %)', old.id
    using errcode = 'PM201';
end;
$$;
comment on function private.keep_status_history_append_only() is
  'Refuses UPDATE, DELETE and TRUNCATE on the history for every role, the owner included, except the foreign keys'' own actions (cascade on mentor deletion; set null when a user or job run is deleted). A row''s proof, proof_origin and actor pseudonyms never change once it has a proof.';

create trigger peer_mentor_status_history_append_only
  before update or delete on public.peer_mentor_status_history
  for each row execute function private.keep_status_history_append_only();

create trigger peer_mentor_status_history_no_truncate
  before truncate on public.peer_mentor_status_history
  for each statement execute function private.keep_status_history_append_only();

-- ALWAYS: they fire in session_replication_role = replica too (restores, logical replication), where
-- ordinary triggers are skipped. Disabling them takes ALTER TABLE, i.e. a reviewed migration.
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_single_writer;
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_append_only;
alter table public.peer_mentor_status_history enable always trigger peer_mentor_status_history_no_truncate;

-- The history triggers' functions are owned by status_history_writer (the guard above knows them by it): see
-- the end of 0012_grants.sql, where the ownership moves after every revoke.

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

-- ---------------------------------------------------------------------------------------------------------
-- Erasure records (append-only)
-- ---------------------------------------------------------------------------------------------------------
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


create trigger status_history_erasures_append_only
  before update or delete on public.status_history_erasures
  for each row execute function private.keep_status_history_erasures_append_only();
create trigger status_history_erasures_no_truncate
  before truncate on public.status_history_erasures
  for each statement execute function private.keep_status_history_erasures_append_only();
alter table public.status_history_erasures enable always trigger status_history_erasures_append_only;
alter table public.status_history_erasures enable always trigger status_history_erasures_no_truncate;

-- ---------------------------------------------------------------------------------------------------------
-- Digests (append-only but for their delivery bookkeeping) and verification
-- ---------------------------------------------------------------------------------------------------------
create function private.keep_status_history_digests_append_only() returns trigger
language plpgsql
volatile
security invoker
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and tg_table_name = 'status_history_digests'
     and new.id = old.id and new.taken_at = old.taken_at and new.digest = old.digest
     and new.history_rows = old.history_rows and new.erasures = old.erasures
     and new.last_history_id = old.last_history_id and new.last_erasure_id = old.last_erasure_id then
    return new; -- delivery bookkeeping only
  end if;
  raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
    using errcode = 'PM602',
          hint = 'tamper-evidence records are written by the database and kept; see docs/tamper-evidence.md';
end;
$$;
comment on function private.keep_status_history_digests_append_only() is
  'BEFORE UPDATE/DELETE row and TRUNCATE statement trigger (ENABLE ALWAYS) on the digests and their heads: only the delivery bookkeeping of a digest may change (PM602 otherwise).';


create trigger status_history_digests_append_only
  before update or delete on public.status_history_digests
  for each row execute function private.keep_status_history_digests_append_only();
create trigger status_history_digests_no_truncate
  before truncate on public.status_history_digests
  for each statement execute function private.keep_status_history_digests_append_only();
create trigger status_history_digest_heads_append_only
  before update or delete on private.status_history_digest_heads
  for each row execute function private.keep_status_history_digests_append_only();
create trigger status_history_digest_heads_no_truncate
  before truncate on private.status_history_digest_heads
  for each statement execute function private.keep_status_history_digests_append_only();
alter table public.status_history_digests enable always trigger status_history_digests_append_only;
alter table public.status_history_digests enable always trigger status_history_digests_no_truncate;
alter table private.status_history_digest_heads enable always trigger status_history_digest_heads_append_only;
alter table private.status_history_digest_heads enable always trigger status_history_digest_heads_no_truncate;

create function private.status_history_heads_hash(p_digest_id bigint) returns bytea
language sql
stable
security invoker
set search_path = ''
as $$
  select pg_catalog.sha256(coalesce(pg_catalog.string_agg(
           pg_catalog.uuid_send(h.mentor_id)
           || pg_catalog.int8send(coalesce(h.last_history_id, 0))
           || pg_catalog.int8send(h.history_rows)
           || coalesce(h.last_proof, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea),
           ''::bytea order by h.mentor_id), ''::bytea))
    from private.status_history_digest_heads h
   where h.digest_id = p_digest_id
$$;
comment on function private.status_history_heads_hash(bigint) is
  'sha256 of one digest''s heads in mentor order: mentor (16 bytes), last history id (int8, 0 for none), row count (int8), last proof (32 bytes, zeros for none).';


create function private.status_history_erasures_hash(p_after bigint, p_upto bigint) returns bytea
language sql
stable
security invoker
set search_path = ''
as $$
  select pg_catalog.sha256(coalesce(pg_catalog.string_agg(
           pg_catalog.int8send(e.id)
           || pg_catalog.uuid_send(e.mentor_id)
           || pg_catalog.timestamptz_send(e.erased_at)
           || case when e.erased_by is null then '\x00'::bytea else '\x01'::bytea || pg_catalog.uuid_send(e.erased_by) end
           || pg_catalog.convert_to(e.erased_by_role, 'UTF8') || '\x00'::bytea
           || pg_catalog.int8send(e.history_rows)
           || pg_catalog.int8send(coalesce(e.last_history_id, 0))
           || coalesce(e.last_proof, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea),
           ''::bytea order by e.id), ''::bytea))
    from public.status_history_erasures e
   where e.id > p_after and e.id <= p_upto
$$;
comment on function private.status_history_erasures_hash(bigint, bigint) is
  'sha256 of the erasure records with p_after < id <= p_upto, in id order (every column, binary).';


create function private.status_history_digest_root(
  p_digest_id bigint, p_taken_at timestamptz, p_history_rows bigint, p_erasures bigint,
  p_last_history_id bigint, p_last_erasure_id bigint, p_previous_root bytea, p_heads_hash bytea, p_erasures_hash bytea
) returns bytea
language sql
immutable
security invoker
set search_path = ''
as $$
  select pg_catalog.sha256('\x706d73683a6469676573743a7631'::bytea  -- 'pmsh:digest:v1'
           || pg_catalog.int8send(p_digest_id) || pg_catalog.timestamptz_send(p_taken_at)
           || pg_catalog.int8send(p_history_rows) || pg_catalog.int8send(p_erasures)
           || pg_catalog.int8send(p_last_history_id) || pg_catalog.int8send(p_last_erasure_id)
           || coalesce(p_previous_root, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
           || p_heads_hash || p_erasures_hash)
$$;
comment on function private.status_history_digest_root(bigint, timestamptz, bigint, bigint, bigint, bigint, bytea, bytea, bytea) is
  'A digest''s root: sha256(''pmsh:digest:v1'' || id || taken_at || history rows || erasures || last history id || last erasure id (int8 each, taken_at as int8 microseconds since 2000 UTC) || previous root (zeros for the first) || heads hash || erasures hash).';


create function public.status_history_digest() returns jsonb
language plpgsql
volatile
security definer -- reads the history and writes the digests for the service role, which may do neither directly
set search_path = ''
set lock_timeout = '2s' -- waits at most this long for history writers in flight (55P03 then: retry)
set work_mem = '256MB' -- the first digest sorts the whole history once, in memory
as $$
declare
  v_previous record;
  v_id bigint;
  v_taken_at timestamptz;
  v_last_history_id bigint;
  v_last_erasure_id bigint;
  v_rows bigint;
  v_erasures bigint;
  v_root bytea;
  v_digest jsonb;
begin
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'status_history_digest() runs at READ COMMITTED only (this transaction is %)',
        pg_catalog.current_setting('transaction_isolation')
      using errcode = 'PM603',
            hint = 'call it in its own READ COMMITTED transaction: it must see every history row committed before it';
  end if;
  -- Writers in flight finish first and new ones wait: every id up to max(id) is then committed and visible to
  -- the statements below (each takes a new snapshot). Digests are serialised among themselves.
  lock table public.peer_mentor_status_history in share mode;
  lock table public.status_history_digests in share row exclusive mode;

  select d.id, pg_catalog.decode(d.digest ->> 'root', 'hex') as root, d.history_rows, d.last_history_id, d.last_erasure_id
    into v_previous
    from public.status_history_digests d
   order by d.id desc
   limit 1;

  v_id := pg_catalog.nextval('public.status_history_digests_id_seq');
  v_taken_at := pg_catalog.clock_timestamp();
  select coalesce(pg_catalog.max(h.id), 0) into v_last_history_id from public.peer_mentor_status_history h;
  select coalesce(pg_catalog.max(e.id), 0), pg_catalog.count(*) into v_last_erasure_id, v_erasures
    from public.status_history_erasures e;

  -- The heads of the mentors with rows or an erasure since the previous digest: what changed, never a pass over
  -- the whole history (but for the very first digest).
  if v_previous.id is null then
    -- The first digest: every mentor's head, one sorted pass over the history.
    insert into private.status_history_digest_heads (digest_id, mentor_id, last_history_id, history_rows, last_proof)
    select v_id, x.mentor_id, x.id, x.n, x.proof
      from (select h.mentor_id, h.id, h.proof,
                   pg_catalog.count(*) over (partition by h.mentor_id) as n,
                   pg_catalog.row_number() over (partition by h.mentor_id order by h.changed_at desc, h.id desc) as rn
              from public.peer_mentor_status_history h) x
     where x.rn = 1
    union all
    select v_id, e.mentor_id, null, 0, null
      from (select distinct e.mentor_id from public.status_history_erasures e) e
     where not exists (select 1 from public.peer_mentor_status_history h where h.mentor_id = e.mentor_id);
    select pg_catalog.count(*) into v_rows from public.peer_mentor_status_history h;
  else
    -- The rows added since the previous digest (ids above its last one; all committed, by the lock above), per
    -- mentor: how many, and the newest. A chain grows only at its end (the triggers' changed_at strictly
    -- increases per mentor and their ids are drawn under the mentor's row lock; a backfilled row must come after
    -- the last one, PM604), so the newest added row is the mentor's head, and the mentor's row count is its count
    -- at its previous head (the newest stored before; 0 for none, and 0 when the mentor was erased since: its
    -- history cascaded) plus the rows added. The history's row count is the previous digest's plus, for every
    -- changed mentor, its count now less its count then. Read from the timeline index instead: the head where the
    -- added row with the highest id is not the newest by (changed_at, id) (a backfill with an explicit id), and
    -- head and count of a mentor with an erasure but no rows added.
    with added as (
      select h.mentor_id, pg_catalog.count(*) as n, pg_catalog.max(h.id) as last_id, pg_catalog.max(h.changed_at) as last_at
        from public.peer_mentor_status_history h
       where h.id > v_previous.last_history_id
       group by h.mentor_id
    ),
    erased as (
      select distinct e.mentor_id from public.status_history_erasures e
       where e.id > v_previous.last_erasure_id
    ),
    heads as materialized (
      select c.mentor_id,
             case when l.changed_at = c.last_at then l.id else p.id end as last_history_id,
             case when c.last_id is null then (select pg_catalog.count(*) from public.peer_mentor_status_history h
                                                 where h.mentor_id = c.mentor_id)
                  when c.erased then c.n
                  else c.n + coalesce(b.history_rows, 0) end as history_rows,
             case when l.changed_at = c.last_at then l.proof else p.proof end as last_proof,
             coalesce(b.history_rows, 0) as history_rows_before
        from (select coalesce(a.mentor_id, x.mentor_id) as mentor_id, a.n, a.last_id, a.last_at,
                     x.mentor_id is not null as erased
                from added a
                full join erased x on x.mentor_id = a.mentor_id) c
        left join lateral (select l.id, l.changed_at, l.proof from public.peer_mentor_status_history l
                            where l.id = c.last_id
                            limit 1) l on true -- a probe of the primary key per mentor, not a hash of the table
        left join lateral (select dh.history_rows from private.status_history_digest_heads dh
                            where dh.mentor_id = c.mentor_id and dh.digest_id <= v_previous.id
                            order by dh.digest_id desc
                            limit 1) b on true
        left join lateral (select h.id, h.proof from public.peer_mentor_status_history h
                            where (c.last_id is null or l.changed_at <> c.last_at)
                              and h.mentor_id = c.mentor_id
                            order by h.changed_at desc, h.id desc
                            limit 1) p on true
    ),
    stored as (
      insert into private.status_history_digest_heads (digest_id, mentor_id, last_history_id, history_rows, last_proof)
      select v_id, hd.mentor_id, hd.last_history_id, hd.history_rows, hd.last_proof from heads hd
       order by hd.mentor_id -- the primary key's entries in order: appended at its right end
    )
    select v_previous.history_rows + coalesce(pg_catalog.sum(hd.history_rows - hd.history_rows_before), 0)
      into v_rows
      from heads hd;
  end if;

  v_root := private.status_history_digest_root(v_id, v_taken_at, v_rows, v_erasures, v_last_history_id, v_last_erasure_id,
              v_previous.root, private.status_history_heads_hash(v_id),
              private.status_history_erasures_hash(coalesce(v_previous.last_erasure_id, 0), v_last_erasure_id));
  v_digest := pg_catalog.jsonb_build_object(
    'version', 1,
    'digest_id', v_id,
    'taken_at', pg_catalog.to_char(v_taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'rows', v_rows,
    'erasures', v_erasures,
    'last_history_id', v_last_history_id,
    'last_erasure_id', v_last_erasure_id,
    'previous_root', pg_catalog.encode(v_previous.root, 'hex'),
    'root', pg_catalog.encode(v_root, 'hex'));

  insert into public.status_history_digests (id, taken_at, digest, history_rows, erasures, last_history_id, last_erasure_id)
  overriding system value
  values (v_id, v_taken_at, v_digest, v_rows, v_erasures, v_last_history_id, v_last_erasure_id);
  return v_digest;
end;
$$;
comment on function public.status_history_digest() is
  'Service role and owner only. Takes a digest of the whole history (constant size: {version, digest_id, taken_at, rows, erasures, last_history_id, last_erasure_id, previous_root, root}), appends it to status_history_digests and returns it. Waits up to 2 s for history writers in flight (55P03: retry), and holds new ones back until the caller''s transaction ends: call it in a short transaction of its own, at READ COMMITTED (PM603).';


create function public.verify_status_history(p_digest jsonb default null)
returns table (mentor_id uuid, history_id bigint, problem text)
language plpgsql
stable
security definer -- reads the history, the erasures and the digests' heads for the service role
set search_path = ''
set work_mem = '256MB' -- one sort of the history and a few hashes, in memory
as $$
declare
  v_digest jsonb := p_digest;
  v_k bigint;
  v_root text;
  v_row record;
  v_previous_root bytea;
  v_previous_erasure_id bigint := 0;
  v_computed bytea;
  v_stored public.status_history_digests;
  v_table_ok boolean := true;
begin
  if v_digest is null then
    -- No digest given: the newest in the table, trusted as it stands (a digest kept outside is stronger).
    select d.digest into v_digest from public.status_history_digests d order by d.id desc limit 1;
  elsif pg_catalog.jsonb_typeof(v_digest) <> 'object'
        or v_digest ->> 'version' is distinct from '1'
        or coalesce(v_digest ->> 'digest_id', '') !~ '^[0-9]{1,18}$'
        or coalesce(v_digest ->> 'root', '') !~ '^[0-9a-f]{64}$' then
    raise exception 'not a status history digest (version 1 with digest_id and a 64-hex root): %', pg_catalog.left(p_digest::text, 200)
      using errcode = 'PM601',
            hint = 'pass one digest exactly as status_history_digest() returned it (one line of a digest file)';
  end if;

  if v_digest is not null then
    v_k := (v_digest ->> 'digest_id')::bigint;
    v_root := v_digest ->> 'root';
    select d.* into v_stored from public.status_history_digests d where d.id = v_k;
    if v_stored.id is null then
      return query select null::uuid, null::bigint,
        pg_catalog.format('digest %s: not in status_history_digests (removed, or the digests table was rewritten)', v_k);
      v_table_ok := false;
    else
      -- The chain of roots up to digest k, recomputed from the table.
      for v_row in
        select d.id, d.taken_at, d.digest, d.history_rows, d.erasures, d.last_history_id, d.last_erasure_id
          from public.status_history_digests d
         where d.id <= v_k
         order by d.id
      loop
        v_computed := private.status_history_digest_root(v_row.id, v_row.taken_at, v_row.history_rows, v_row.erasures,
                        v_row.last_history_id, v_row.last_erasure_id, v_previous_root,
                        private.status_history_heads_hash(v_row.id),
                        private.status_history_erasures_hash(v_previous_erasure_id, v_row.last_erasure_id));
        if pg_catalog.encode(v_computed, 'hex') is distinct from v_row.digest ->> 'root' then
          return query select null::uuid, null::bigint,
            pg_catalog.format('digest %s: the digests table no longer reproduces its root (its heads, erasure records or counts were changed)', v_row.id);
          v_table_ok := false;
        end if;
        v_previous_root := v_computed;
        v_previous_erasure_id := v_row.last_erasure_id;
      end loop;
      if pg_catalog.encode(v_previous_root, 'hex') is distinct from v_root then
        return query select null::uuid, null::bigint,
          pg_catalog.format('digest %s: the root recomputed from the database (%s) is not the digest''s root (%s): the history or the digests were rewritten',
                            v_k, pg_catalog.encode(v_previous_root, 'hex'), v_root);
        v_table_ok := false;
      end if;
    end if;
  end if;

  return query
  with ordered as (
    select h.id, h.mentor_id, h.previous_status, h.new_status, h.changed_by, h.changed_at, h.reason, h.job_run_id,
           h.changed_by_pseudonym, h.job_run_pseudonym, h.proof_origin, h.proof,
           pg_catalog.lag(h.proof) over w as previous_proof,
           pg_catalog.lag(h.new_status) over w as status_before,
           pg_catalog.row_number() over w as position,
           pg_catalog.lead(h.id) over w is null as is_last
      from public.peer_mentor_status_history h
    window w as (partition by h.mentor_id order by h.changed_at, h.id)
  ),
  checked as (
    select o.*,
           m.id is not null as mentor_exists, m.status as mentor_status, m.status_reason as mentor_reason
      from ordered o
      left join public.peer_mentors m on m.id = o.mentor_id
  ),
  row_problems as (
    select c.mentor_id, c.id as history_id,
           case
             when c.proof is null then 'row has no proof'
             when c.proof is distinct from private.status_history_proof(c.previous_proof, c.id, c.mentor_id,
                    c.previous_status, c.new_status, c.changed_at, c.reason, c.changed_by_pseudonym,
                    c.job_run_pseudonym, c.proof_origin)
               then 'row does not match its proof: a value was changed, or a row before it was removed, inserted or moved'
             when c.changed_by is not null and c.changed_by_pseudonym is distinct from private.status_history_pseudonym(c.changed_by)
               then 'changed_by is not the user the proof commits to'
             when c.job_run_id is not null and c.job_run_pseudonym is distinct from private.status_history_pseudonym(c.job_run_id)
               then 'job_run_id is not the job run the proof commits to'
             when c.changed_by is null and c.changed_by_pseudonym is not null
                  and c.changed_by_pseudonym in (select private.status_history_pseudonym(u.id) from public.users u)
               then 'changed_by was cleared while that user still exists'
             when c.job_run_id is null and c.job_run_pseudonym is not null
                  and c.job_run_pseudonym in (select private.status_history_pseudonym(j.id) from public.job_runs j)
               then 'job_run_id was cleared while that job run still exists'
             when c.proof_origin not in ('trigger', 'backfill', 'adopted')
               then pg_catalog.format('unknown proof_origin %L', c.proof_origin)
             when c.position = 1 and c.previous_status is not null
               then 'the first row of the chain has a previous_status: rows before it are missing'
             when c.position > 1 and c.previous_status is distinct from c.status_before
               then 'previous_status is not the new_status of the row before it'
             when c.is_last and c.mentor_exists
                  and (c.new_status, c.reason) is distinct from (c.mentor_status, c.mentor_reason)
               then 'the last row is not the mentor''s current status and reason: later rows are missing'
           end as problem
      from checked c
     where c.mentor_exists
  ),
  orphans as (
    -- History of a mentor that no longer exists: its deletion did not cascade (done around the triggers).
    select c.mentor_id, pg_catalog.min(c.id) as history_id,
           case when exists (select 1 from public.status_history_erasures e where e.mentor_id = c.mentor_id)
                then 'the mentor was erased but history rows of it remain'
                else 'the mentor was removed without its erasure being recorded (its history remains)' end as problem
      from checked c
     where not c.mentor_exists
     group by c.mentor_id
  ),
  vanished as (
    select m.id as mentor_id, null::bigint as history_id, 'the mentor exists but its history has vanished' as problem
      from public.peer_mentors m
     where not exists (select 1 from public.peer_mentor_status_history h where h.mentor_id = m.id)
  ),
  heads as (
    -- Each mentor's head as of digest k (only when the digests table reproduces the digest).
    select distinct on (dh.mentor_id) dh.mentor_id, dh.last_history_id, dh.history_rows, dh.last_proof
      from private.status_history_digest_heads dh
     where v_k is not null and v_table_ok and dh.digest_id <= v_k
     order by dh.mentor_id, dh.digest_id desc
  ),
  digest_problems as (
    -- Hash joins on (mentor, row number): linear in the history, whatever the number of mentors.
    select hd.mentor_id, hd.last_history_id as history_id,
           case
             when lst.mentor_id is null then
               case
                 when exists (select 1 from public.peer_mentors m where m.id = hd.mentor_id) then null -- reported as vanished
                 when exists (select 1 from public.status_history_erasures e where e.mentor_id = hd.mentor_id) then null -- erased
                 else pg_catalog.format('the mentor was removed without its erasure being recorded (it had %s history rows at digest %s)', hd.history_rows, v_k)
               end
             when at.id is distinct from hd.last_history_id or at.proof is distinct from hd.last_proof then
               pg_catalog.format('the history no longer extends digest %s: row %s, the mentor''s row number %s then, was changed, removed or moved, or rows were removed or slipped in before it',
                                 v_k, hd.last_history_id, hd.history_rows)
           end as problem
      from heads hd
      left join ordered lst on lst.mentor_id = hd.mentor_id and lst.is_last
      left join ordered at on at.mentor_id = hd.mentor_id and at.position = hd.history_rows
     where hd.last_history_id is not null
  )
  select p.mentor_id, p.history_id, p.problem from row_problems p where p.problem is not null
  union all
  select o.mentor_id, o.history_id, o.problem from orphans o
  union all
  select v.mentor_id, v.history_id, v.problem from vanished v
  union all
  select d.mentor_id, d.history_id, d.problem from digest_problems d where d.problem is not null
  order by 1 nulls first, 2 nulls first;
end;
$$;
comment on function public.verify_status_history(jsonb) is
  'Service role and owner only. No rows: intact. Checks every history row against its proof, every mentor''s chain (statuses in order, the last row equal to the mentor''s current status and reason), that no mentor lost its history or was removed without its erasure recorded, that changed_by/job_run_id were cleared only for deleted users/job runs; and, given a digest (default: the newest in the table), that the table still reproduces its root and every history still extends it. Reports (mentor_id, history_id, problem). PM601 for a malformed digest.';

