-- status_history_digest() reads only what changed since the previous digest (issue 19, target (P3): <= 2 s at
-- 1M history rows when every mentor has a new head). Until now a digest after more than 20,000 new rows made one
-- sorted window pass over the whole history (count and head of every mentor), and after fewer it counted every
-- row of each changed mentor; the row count was a count(*) of the whole history. Now, for the mentors with rows
-- or an erasure since the previous digest:
--   * the rows added since (ids above the previous digest's last_history_id; all committed, by the digest's
--     SHARE lock) are aggregated per mentor: how many, the highest id, the newest changed_at;
--   * a chain grows only at its end (the triggers' changed_at strictly increases per mentor and their ids are
--     drawn under the mentor's row lock; a backfilled row must come after the last one, PM604), so the added row
--     with the highest id is the head: one primary-key probe for its proof. Where it is not the newest by
--     (changed_at, id) (a backfill given an explicit id) the head is read from the timeline index, as before;
--   * the row count is the mentor's count at its newest head stored before (one probe of the new index below;
--     0 for none, and 0 when the mentor was erased since: its history cascaded) plus the rows added; a mentor
--     with an erasure and no rows added is counted as before;
--   * the history's row count is the previous digest's plus, per changed mentor, its count now less its count
--     then: no count(*) of the history.
-- The first digest (none before it) still makes one sorted pass. The heads stored, the root and the digest's
-- format (version 1) are unchanged: for the same history the same heads (checked by the tamper-evidence tests,
-- which verify digests taken by both definitions). verify_status_history() is unchanged.
set lock_timeout = '3s';
set statement_timeout = '10min';

-- Not CONCURRENTLY, on purpose: the Supabase CLI runs each migration in a transaction, where CONCURRENTLY is not
-- allowed. It builds under a SHARE lock on the digests' heads, which only status_history_digest() writes (hourly).
-- squawk-ignore require-concurrent-index-creation
create index status_history_digest_heads_mentor_idx on private.status_history_digest_heads (mentor_id, digest_id);

create or replace function public.status_history_digest() returns jsonb
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
