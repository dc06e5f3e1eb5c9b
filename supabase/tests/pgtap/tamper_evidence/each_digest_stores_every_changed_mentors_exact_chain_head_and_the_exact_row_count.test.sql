-- Tamper evidence: a digest stores, for every mentor with rows or an erasure since the previous digest, exactly
-- that mentor's chain head as it stands (its newest row by (changed_at, id), its row count, that row's proof; none
-- after an erasure), and the history's exact row count, although it reads only what changed since the previous
-- digest (20261203150000). Checked after each of: ordinary changes over several digests, a new mentor, an erasure
-- with no rows since, a mentor erased and created again with the same id, and a backfilled row whose explicit id
-- is lower than a row added before it (the newest row is then not the one with the highest id).
begin;
select plan(11);

create temporary table taken (n integer primary key, digest jsonb, differences bigint, counted bigint) on commit drop;

-- Takes a digest, then compares what it stored with the heads computed from scratch.
create function pg_temp.take(p_n integer) returns void
language plpgsql volatile set search_path = ''
as $$
declare
  v_digest jsonb := public.status_history_digest();
  v_k bigint := (v_digest ->> 'digest_id')::bigint;
  v_after_history bigint;
  v_after_erasure bigint;
  v_differences bigint;
begin
  select coalesce(max(d.last_history_id), 0), coalesce(max(d.last_erasure_id), 0) into v_after_history, v_after_erasure
    from public.status_history_digests d where d.id < v_k;
  with expected as (
    select m.mentor_id, l.id as last_history_id,
           (select count(*) from public.peer_mentor_status_history h where h.mentor_id = m.mentor_id) as history_rows,
           l.proof as last_proof
      from (select h.mentor_id from public.peer_mentor_status_history h where h.id > v_after_history
            union
            select e.mentor_id from public.status_history_erasures e where e.id > v_after_erasure) m
      left join lateral (select h.id, h.proof from public.peer_mentor_status_history h where h.mentor_id = m.mentor_id
                          order by h.changed_at desc, h.id desc limit 1) l on true
  ),
  stored as (
    select dh.mentor_id, dh.last_history_id, dh.history_rows, dh.last_proof
      from private.status_history_digest_heads dh where dh.digest_id = v_k
  )
  select count(*) into v_differences
    from ((select * from expected except select * from stored) union all (select * from stored except select * from expected)) x;
  insert into pg_temp.taken values (p_n, v_digest, v_differences, (select count(*) from public.peer_mentor_status_history));
end;
$$;

create temporary table who on commit drop as
select tests.create_mentor(tests.create_user('digest ann')) as ann,
       tests.create_mentor(tests.create_user('digest bob')) as bob,
       tests.create_mentor(tests.create_user('digest cy')) as cy;
select pg_temp.take(1);

-- Ordinary changes: Ann twice, Bob once; a new mentor, Dee.
update public.peer_mentors set status = 'paused', status_reason = 'exams' where id = (select ann from who);
update public.peer_mentors set status = 'active', status_reason = null where id = (select ann from who);
update public.peer_mentors set status = 'paused', status_reason = 'leave' where id = (select bob from who);
select tests.create_mentor(tests.create_user('digest dee'));
select pg_temp.take(2);

-- Bob erased (no rows since); Ann changed again; a bulk change of everyone.
delete from public.peer_mentors where id = (select bob from who);
update public.peer_mentors set status = 'inactive', status_reason = 'moved' where id = (select ann from who);
update public.peer_mentors set status = 'paused', status_reason = 'bulk' where status = 'active';
select pg_temp.take(3);
create temporary table verified on commit drop as
select 2 as n, count(*) as problems from public.verify_status_history((select digest from taken where n = 2))
union all
select 3, count(*) from public.verify_status_history((select digest from taken where n = 3));

-- Cy erased and created again with the same id (a new chain), then changed.
delete from public.peer_mentors where id = (select cy from who);
select tests.create_mentor(tests.uuid('digest cy'));
update public.peer_mentors set status = 'paused', status_reason = 'again' where id = (select cy from who);
select pg_temp.take(4);

-- Ann: a row by the triggers, then a backfilled row after it in time with a lower, unused id.
create temporary table gap on commit drop as select nextval('public.peer_mentor_status_history_id_seq') as id;
update public.peer_mentors set status = 'active', status_reason = 'back' where id = (select ann from who);
select set_config('app.history_backfill', txid_current()::text, true);
insert into public.peer_mentor_status_history (id, mentor_id, previous_status, new_status, changed_at, reason)
overriding system value
select g.id, w.ann, 'active', 'paused', now() + interval '1 day', 'backfilled' from gap g, who w;
select set_config('app.history_backfill', '', true);
select pg_temp.take(5);

select is((select differences from taken where n = 1), 0::bigint, 'the heads of three new mentors');
select is((select differences from taken where n = 2), 0::bigint, 'after changes and a new mentor: the changed mentors'' heads, counts added to the counts before');
select is((select differences from taken where n = 3), 0::bigint, 'after an erasure with no rows since (no head) and a bulk change');
select is((select differences from taken where n = 4), 0::bigint, 'a mentor erased and created again: its new chain only');
select is((select differences from taken where n = 5), 0::bigint, 'a backfilled row with a lower id than a row before it: the newest row by (changed_at, id) is the head');
select ok((select bool_and((digest ->> 'rows')::bigint = counted) from taken), 'every digest''s row count is the history''s');
select ok((select history_rows from private.status_history_digest_heads
            where digest_id = (select (digest ->> 'digest_id')::bigint from taken where n = 4) and mentor_id = (select cy from who)) = 2,
          'the re-created mentor counts only its new chain');
select is((select last_history_id from private.status_history_digest_heads
            where digest_id = (select (digest ->> 'digest_id')::bigint from taken where n = 5) and mentor_id = (select ann from who)),
          (select id from gap), 'the backfilled row is the head');
select ok((select last_history_id is null and last_proof is null and history_rows = 0 from private.status_history_digest_heads
            where digest_id = (select (digest ->> 'digest_id')::bigint from taken where n = 3) and mentor_id = (select bob from who)),
          'the erased mentor''s head in digest 3: none, no rows');
select is((select sum(problems)::bigint from verified), 0::bigint,
          'the history then verifies clean against digests 2 and 3 (an erasure and a bulk change between them)');
select is((select count(*) from public.verify_status_history(null) v where v.mentor_id <> (select ann from who)), 0::bigint,
          'at the end against the newest digest (Ann''s mentor row is not her backfilled row''s status: she alone is reported)');

select * from finish();
rollback;
