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
-- Deploy (restructured 2026-12-03 for a live database, see CHANGELOG.md): three migrations, so that no writer
-- waits while the rows that already exist are proven.
--   20261203140100 (this file)  the role, the columns, the encoding and private.prove_status_history(); locks only
--                               the history (ACCESS EXCLUSIVE, which ADD COLUMN takes anyway) for milliseconds.
--   20261203140110              proves the rows that exist (proof_origin 'adopted') under ROW EXCLUSIVE on the
--                               history, as any writer: the app goes on writing, its rows get no proof yet.
--   20261203140120              under a short lock in the app's order, proves the rows written since (with
--                               private.prove_status_history()) and switches on the writers that prove their own
--                               rows, the guard, the backfill proof and the erasure records, all at once.
-- private.prove_status_history() also proves rows loaded by hand later (a benchmark's seed).
--
-- Errors (raised from 20261203140120 on): PM202 (unchanged code, new rule) the history is written by its triggers
-- or an opt-in naming the transaction; PM602 the erasure records are append-only; PM604 a backfilled row must come
-- after the mentor's last row.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- The history's ACCESS EXCLUSIVE (what ADD COLUMN takes anyway) is the only table lock here: nothing in this file
-- touches users or peer_mentors. Asked for with NOWAIT and retried every 20 ms for up to a minute, so that it never
-- waits in the queue, with the writers queued behind it, for a transaction in flight or for autovacuum (which a
-- waiting lock cancels only after deadlock_timeout, 1 s); after that minute it waits as any lock (lock_timeout).
do $$
declare
  v_deadline timestamptz := pg_catalog.clock_timestamp() + interval '1 minute';
begin
  loop
    begin
      lock table public.peer_mentor_status_history in access exclusive mode nowait;
      exit;
    exception when lock_not_available then
      if pg_catalog.clock_timestamp() > v_deadline then
        lock table public.peer_mentor_status_history in access exclusive mode;
        exit;
      end if;
      perform pg_catalog.pg_sleep(0.02);
    end;
  end loop;
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
revoke all on function
  private.status_history_pseudonym(uuid),
  private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text)
  from public, anon, authenticated, service_role;
grant execute on function private.status_history_pseudonym(uuid) to status_history_writer;
grant execute on function
  private.status_history_proof(bytea, bigint, uuid, public.mentor_status, public.mentor_status, timestamptz, text, bytea, bytea, text)
  to status_history_writer;

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
