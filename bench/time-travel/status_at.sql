-- Time travel, the SQL to time (issue 12): as a coordinator under RLS, planned each time and prepared.
-- bench/time-travel.ts measures these; by hand: psql -v coordinator=… -v mentor=… -v chapter=… -f this file.
begin;
set local role authenticated;
select set_config('request.jwt.claims', json_build_object('sub', :'coordinator', 'role', 'authenticated')::text, true);

-- One mentor (target: under 1 ms at 1M history rows, planned and prepared).
explain (analyze, buffers) select * from public.mentor_status_at(:'mentor'::uuid, now() - interval '1 year');
prepare one_mentor(uuid, timestamptz) as select * from public.mentor_status_at($1, $2);
explain (analyze, buffers) execute one_mentor(:'mentor'::uuid, now() - interval '1 year');

-- A chapter: every mentor of it at the instant.
explain (analyze, buffers) select * from public.chapter_status_at(:'chapter'::uuid, now() - interval '1 year');
prepare one_chapter(uuid, timestamptz) as select * from public.chapter_status_at($1, $2);
explain (analyze, buffers) execute one_chapter(:'chapter'::uuid, now() - interval '1 year');

-- The statement inside mentor_status_at (an ordered index scan on (mentor_id, changed_at desc), limit 1):
explain (analyze, buffers)
select h.mentor_id, h.new_status, h.reason, h.changed_at, h.changed_by, h.job_run_id, h.id
  from public.peer_mentor_status_history h
 where h.mentor_id = :'mentor'::uuid and h.changed_at <= now() - interval '1 year'
 order by h.changed_at desc, h.id desc
 limit 1;
rollback;
