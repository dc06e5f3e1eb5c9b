-- Rollback of 20261203150000_status_history_digest_reads_only_what_changed.sql: status_history_digest() gets
-- 20261203140200's definition back (verbatim: a sorted pass over the whole history after more than 20,000 new rows,
-- a count(*) of the history) and the heads' mentor index goes. Run it with:
--   npm run db:rollback -- 20261203150000
set lock_timeout = '3s';
set statement_timeout = '10min';

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

-- Dropping an index only removes catalog rows and a file: ACCESS EXCLUSIVE on the heads for milliseconds, bounded
-- by lock_timeout. CONCURRENTLY would make the rollback non-atomic (it cannot run in a transaction).
-- squawk-ignore require-concurrent-index-deletion
drop index private.status_history_digest_heads_mentor_idx;
