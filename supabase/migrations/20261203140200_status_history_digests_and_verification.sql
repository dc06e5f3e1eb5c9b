-- Digests of the history, their delivery out of the database, and the verifier (issue 19, steps 2 and 3).
--
-- status_history_digest() (service role and owner) takes a digest: a constant-size jsonb that commits to every
-- history row's content and order as it stands, and to the erasure records. It appends it to
-- public.status_history_digests, from where a publisher copies it out (claim/complete/fail, bounded
-- at-least-once like the notifications, same retry settings). A digest kept outside is what catches an owner who
-- rewrote both the history and the digests table.
--
-- How a digest commits to everything while costing only what changed since the previous one:
--   * it first takes a SHARE lock on the history: it waits for transactions that are writing history rows
--     (lock_timeout 2 s, then 55P03: retry) and holds new writers back until the caller's transaction ends, so
--     every history id up to max(id) is committed when it looks. The rows since the previous digest are then
--     exactly those with id > its last_history_id, and a digest is reproducible later;
--   * for each mentor with rows or an erasure since the previous digest it stores the mentor's chain head (last
--     row id, row count, last proof; none after an erasure) in private.status_history_digest_heads;
--   * root = sha256('pmsh:digest:v1' || digest id || taken_at || row and erasure counts || last history and
--     erasure ids || the previous digest's root || sha256 of those heads || sha256 of the erasure records since
--     the previous digest): a hash chain of digests, so digest k's root commits to every head as of k, and each
--     head (a per-mentor hash chain) to every row before it.
-- verify_status_history(p_digest) recomputes the chain of roots from the table and compares it with the digest
-- given (a mismatch: the table was rewritten), then checks that every mentor's history still holds its head as
-- of that digest at the same position with the same proof, and every row against its proof.
--
-- Errors: PM601 a malformed digest; PM602 the digests are append-only; PM603 a digest needs READ COMMITTED.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- ---------------------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------------------
create table public.status_history_digests (
  id bigint generated always as identity primary key,
  taken_at timestamptz not null,
  digest jsonb not null,
  history_rows bigint not null,
  erasures bigint not null,
  last_history_id bigint not null,
  last_erasure_id bigint not null,
  attempts integer not null default 0,
  claimed_at timestamptz,
  claim_lease interval,
  claim_token uuid,
  next_attempt_at timestamptz,
  last_error text,
  last_failed_at timestamptz,
  dead_at timestamptz,
  published_at timestamptz,
  constraint last_error_is_short check (char_length(last_error) <= 2000),
  constraint dead_is_not_published check (dead_at is null or published_at is null)
);
comment on table public.status_history_digests is
  'Every digest status_history_digest() took (append-only: id, taken_at, digest and the counts never change, rows are never deleted, PM602), with its delivery bookkeeping (claimed, published, failed, dead) for the publisher that copies digests out of the database. Service role reads it.';
comment on column public.status_history_digests.taken_at is 'When the digest was taken (clock time, after the history''s writers in flight had finished).';
comment on column public.status_history_digests.digest is 'The digest as returned and published: {version, digest_id, taken_at, rows, erasures, last_history_id, last_erasure_id, previous_root, root}.';
comment on column public.status_history_digests.history_rows is 'How many history rows there were.';
comment on column public.status_history_digests.erasures is 'How many erasure records there were.';
comment on column public.status_history_digests.last_history_id is 'The highest history id then: every row up to it was committed (the digest waited for writers in flight).';
comment on column public.status_history_digests.last_erasure_id is 'The highest erasure record id then.';
comment on column public.status_history_digests.attempts is 'Publishing: claims so far (since taken or re-queued).';
comment on column public.status_history_digests.claimed_at is 'Publishing: when the current claim was made; null when unclaimed.';
comment on column public.status_history_digests.claim_lease is 'Publishing: how long the current claim holds.';
comment on column public.status_history_digests.claim_token is 'Publishing: the current claim''s token.';
comment on column public.status_history_digests.next_attempt_at is 'Publishing: not handed out before this (backoff); null: due now.';
comment on column public.status_history_digests.last_error is 'Publishing: the last failure the publisher reported (at most 2000 characters).';
comment on column public.status_history_digests.last_failed_at is 'Publishing: when.';
comment on column public.status_history_digests.dead_at is 'Publishing: set aside after app.notification_max_attempts attempts; re-queued by requeue_status_history_digests.';
comment on column public.status_history_digests.published_at is 'Publishing: when a publisher confirmed the digest written outside the database; null until then.';

create table private.status_history_digest_heads (
  digest_id bigint not null,
  mentor_id uuid not null,
  last_history_id bigint,
  history_rows bigint not null,
  last_proof bytea,
  primary key (digest_id, mentor_id)
);
comment on table private.status_history_digest_heads is
  'Per digest, the chain head of every mentor whose history changed since the previous digest (new rows or an erasure): its last row id, row count and proof (null id and proof: no rows left). Append-only (PM602). Trusted only because recomputing a digest''s root from it must give the root kept outside.';

create index status_history_digests_publishable_idx on public.status_history_digests (id)
  where published_at is null and dead_at is null;

alter table public.status_history_digests enable row level security;
alter table private.status_history_digest_heads enable row level security;
revoke all on table public.status_history_digests from public, anon, authenticated, service_role;
revoke all on table private.status_history_digest_heads from public, anon, authenticated, service_role;
grant select on table public.status_history_digests to service_role;
revoke all on sequence public.status_history_digests_id_seq from public, anon, authenticated, service_role;

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
revoke all on function private.keep_status_history_digests_append_only() from public, anon, authenticated, service_role;

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

-- ---------------------------------------------------------------------------------------------------------
-- The hashes a digest is made of (shared by the digest and the verifier)
-- ---------------------------------------------------------------------------------------------------------
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

revoke all on function
  private.status_history_heads_hash(bigint),
  private.status_history_erasures_hash(bigint, bigint),
  private.status_history_digest_root(bigint, timestamptz, bigint, bigint, bigint, bigint, bytea, bytea, bytea)
  from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------------
-- status_history_digest()
-- ---------------------------------------------------------------------------------------------------------
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

  select d.id, pg_catalog.decode(d.digest ->> 'root', 'hex') as root, d.last_history_id, d.last_erasure_id
    into v_previous
    from public.status_history_digests d
   order by d.id desc
   limit 1;

  v_id := pg_catalog.nextval('public.status_history_digests_id_seq');
  v_taken_at := pg_catalog.clock_timestamp();
  select coalesce(pg_catalog.max(h.id), 0), pg_catalog.count(*) into v_last_history_id, v_rows
    from public.peer_mentor_status_history h;
  select coalesce(pg_catalog.max(e.id), 0), pg_catalog.count(*) into v_last_erasure_id, v_erasures
    from public.status_history_erasures e;

  -- The heads of the mentors with rows or an erasure since the previous digest. Many (the first digest, or over
  -- 20,000 new rows): one sorted pass over the history, hash-joined; a few: two index probes per changed mentor.
  if v_previous.id is null or v_last_history_id - v_previous.last_history_id > 20000 then
    insert into private.status_history_digest_heads (digest_id, mentor_id, last_history_id, history_rows, last_proof)
    with changed as materialized (
      select h.mentor_id from public.peer_mentor_status_history h
       where h.id > coalesce(v_previous.last_history_id, 0)
      union
      select e.mentor_id from public.status_history_erasures e
       where e.id > coalesce(v_previous.last_erasure_id, 0)
    ),
    heads as (
      select x.mentor_id, x.id, x.proof, x.n
        from (select h.mentor_id, h.id, h.proof,
                     pg_catalog.count(*) over (partition by h.mentor_id) as n,
                     pg_catalog.row_number() over (partition by h.mentor_id order by h.changed_at desc, h.id desc) as rn
                from public.peer_mentor_status_history h) x
       where x.rn = 1
    )
    select v_id, c.mentor_id, hd.id, coalesce(hd.n, 0), hd.proof
      from changed c
      left join heads hd on hd.mentor_id = c.mentor_id;
  else
    insert into private.status_history_digest_heads (digest_id, mentor_id, last_history_id, history_rows, last_proof)
    select v_id, m.mentor_id, l.id, coalesce(c.n, 0), l.proof
      from (select h.mentor_id from public.peer_mentor_status_history h
             where h.id > v_previous.last_history_id
            union
            select e.mentor_id from public.status_history_erasures e
             where e.id > v_previous.last_erasure_id) m
      left join lateral (select h.id, h.proof from public.peer_mentor_status_history h
                          where h.mentor_id = m.mentor_id
                          order by h.changed_at desc, h.id desc limit 1) l on true
      left join lateral (select pg_catalog.count(*) as n from public.peer_mentor_status_history h
                          where h.mentor_id = m.mentor_id) c on true;
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

-- ---------------------------------------------------------------------------------------------------------
-- verify_status_history()
-- ---------------------------------------------------------------------------------------------------------
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

-- ---------------------------------------------------------------------------------------------------------
-- Publishing the digests (bounded at-least-once, the notifications' retry policy)
-- ---------------------------------------------------------------------------------------------------------
create type public.claimed_status_history_digest as (
  id bigint,
  taken_at timestamptz,
  digest jsonb,
  attempts integer,
  claim_token uuid
);
comment on type public.claimed_status_history_digest is
  'One digest handed to a publisher by claim_status_history_digests: write `digest` (one JSON line) to the sink, then complete_status_history_digests(ids, claim_token).';
comment on column public.claimed_status_history_digest.id is 'The digest (status_history_digests.id, = digest->>''digest_id''); never null.';
comment on column public.claimed_status_history_digest.taken_at is 'When it was taken; never null.';
comment on column public.claimed_status_history_digest.digest is 'The digest to publish, as is; never null.';
comment on column public.claimed_status_history_digest.attempts is 'Which attempt this is (1 the first); never null.';
comment on column public.claimed_status_history_digest.claim_token is 'This claim''s token; never null.';

create type public.failed_status_history_digest as (
  id bigint,
  attempts integer,
  next_attempt_at timestamptz,
  dead_at timestamptz,
  last_error text
);
comment on type public.failed_status_history_digest is
  'What fail_status_history_digests recorded for one digest: when it is tried again (next_attempt_at), or that it is dead (dead_at).';
comment on column public.failed_status_history_digest.id is 'The digest; never null.';
comment on column public.failed_status_history_digest.attempts is 'Attempts used so far; never null.';
comment on column public.failed_status_history_digest.next_attempt_at is 'When it is handed out again; null when it is dead.';
comment on column public.failed_status_history_digest.dead_at is 'When it was set aside as dead; null while it is retried.';
comment on column public.failed_status_history_digest.last_error is 'The error as stored (at most 2000 characters); never null.';

create function public.claim_status_history_digests(p_limit integer default 100, p_lease interval default interval '5 minutes')
returns setof public.claimed_status_history_digest
language plpgsql
volatile
security definer -- updates the digests' bookkeeping; granted to the service role only
set search_path = ''
as $$
declare
  v_token uuid := gen_random_uuid();
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_max_attempts integer := private.notification_max_attempts();
begin
  if p_limit is null or p_limit < 1 or p_limit > 10000 then
    raise exception 'claim limit must be between 1 and 10000 (got %)', p_limit using errcode = 'PM301';
  end if;
  if p_lease is null or p_lease <= interval '0' then
    raise exception 'claim lease must be a positive interval (got %)', p_lease using errcode = 'PM302';
  end if;

  -- A lapsed claim that used the last attempt: dead (looked for among the first p_limit claimable rows).
  update public.status_history_digests d
     set dead_at = v_now, claimed_at = null, claim_token = null, claim_lease = null, next_attempt_at = null,
         last_failed_at = v_now,
         last_error = pg_catalog.format('claim lapsed unconfirmed after %s attempt(s): the publisher stopped or exceeded its lease', d.attempts)
   where d.id in (select w.id
                    from (select x.id, x.claimed_at, x.attempts
                            from public.status_history_digests x
                           where x.published_at is null
                             and x.dead_at is null
                             and (x.next_attempt_at is null or x.next_attempt_at <= v_now)
                             and (x.claimed_at is null or x.claimed_at + x.claim_lease < v_now)
                           order by x.id
                           limit p_limit
                             for update skip locked) w
                   where w.claimed_at is not null
                     and w.attempts >= v_max_attempts);

  return query
  with claimable as (
    select d.id
      from public.status_history_digests d
     where d.published_at is null
       and d.dead_at is null
       and (d.next_attempt_at is null or d.next_attempt_at <= v_now)
       and (d.claimed_at is null or d.claimed_at + d.claim_lease < v_now)
       and not (d.claimed_at is not null and d.attempts >= v_max_attempts)
     order by d.id
     limit p_limit
       for update skip locked
  )
  update public.status_history_digests d
     set claimed_at = v_now, claim_lease = p_lease, claim_token = v_token, attempts = d.attempts + 1
    from claimable
   where d.id = claimable.id
  returning d.id, d.taken_at, d.digest, d.attempts, d.claim_token;
end;
$$;
comment on function public.claim_status_history_digests(integer, interval) is
  'Service role only (the digest publisher). Claims up to p_limit digests not yet published, not dead and due, oldest first (FOR UPDATE SKIP LOCKED). A claim neither completed nor failed within p_lease is handed out again (at-least-once) until app.notification_max_attempts attempts are used: then it is set aside as dead. PM301/PM302 for a bad limit or lease.';

create function public.complete_status_history_digests(p_ids bigint[], p_claim_token uuid) returns integer
language sql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
  with done as (
    update public.status_history_digests d
       set published_at = pg_catalog.clock_timestamp(), claimed_at = null, claim_token = null, claim_lease = null
     where d.id = any (p_ids)
       and d.claim_token = p_claim_token
       and d.published_at is null
    returning 1
  )
  select pg_catalog.count(*)::integer from done;
$$;
comment on function public.complete_status_history_digests(bigint[], uuid) is
  'Service role only (the digest publisher). Marks the given digests published if still held by this claim token; returns how many.';

create function public.fail_status_history_digests(p_ids bigint[], p_claim_token uuid, p_error text)
returns setof public.failed_status_history_digest
language plpgsql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_max_attempts integer := private.notification_max_attempts();
  v_delay interval := private.notification_retry_delay();
begin
  if p_error is null or pg_catalog.btrim(p_error) = '' then
    raise exception 'a failed publication must be reported with its error text'
      using errcode = 'PM305',
            hint = 'pass what the sink said; it is kept as last_error';
  end if;

  return query
  update public.status_history_digests d
     set last_error = pg_catalog.left(p_error, 2000),
         last_failed_at = v_now,
         claimed_at = null, claim_token = null, claim_lease = null,
         dead_at = case when d.attempts >= v_max_attempts then v_now end,
         next_attempt_at = case when d.attempts < v_max_attempts
                                then v_now + least(v_delay * pg_catalog.power(2, least(greatest(d.attempts - 1, 0), 20)),
                                                   interval '6 hours') end
   where d.id = any (p_ids)
     and d.claim_token = p_claim_token
     and d.published_at is null
     and d.dead_at is null
  returning d.id, d.attempts, d.next_attempt_at, d.dead_at, d.last_error;
end;
$$;
comment on function public.fail_status_history_digests(bigint[], uuid, text) is
  'Service role only (the digest publisher). Records a failed publication of digests still held by this claim token: backs off like the notifications (app.notification_retry_delay doubled per attempt, at most 6 hours) or, after app.notification_max_attempts attempts, sets it aside as dead. PM305 without an error text.';

create function public.requeue_status_history_digests(p_ids bigint[]) returns integer
language sql
volatile
security definer -- granted to the service role only
set search_path = ''
as $$
  with requeued as (
    update public.status_history_digests d
       set dead_at = null, attempts = 0, next_attempt_at = null, claimed_at = null, claim_token = null, claim_lease = null
     where d.id = any (p_ids)
       and d.dead_at is not null
       and d.published_at is null
    returning 1
  )
  select pg_catalog.count(*)::integer from requeued;
$$;
comment on function public.requeue_status_history_digests(bigint[]) is
  'Service role only (operators). Gives the given dead digests a fresh set of attempts, due now. Returns how many.';

-- ---------------------------------------------------------------------------------------------------------
-- Grants
-- ---------------------------------------------------------------------------------------------------------
revoke all on function
  public.status_history_digest(),
  public.verify_status_history(jsonb),
  public.claim_status_history_digests(integer, interval),
  public.complete_status_history_digests(bigint[], uuid),
  public.fail_status_history_digests(bigint[], uuid, text),
  public.requeue_status_history_digests(bigint[])
  from public, anon, authenticated, service_role;
grant execute on function
  public.status_history_digest(),
  public.verify_status_history(jsonb),
  public.claim_status_history_digests(integer, interval),
  public.complete_status_history_digests(bigint[], uuid),
  public.fail_status_history_digests(bigint[], uuid, text),
  public.requeue_status_history_digests(bigint[])
  to service_role;
