-- The history trigger's bulk path (statements over 100 rows run their INSERT through EXECUTE): one UPDATE of 150
-- mentors that mixes changed and unchanged rows writes exactly one history row per changed mentor and none for
-- the unchanged ones, each with the right previous/new status, reason, changed_by and job_run_id. Run three
-- times: by a signed-in coordinator (changed_by is the coordinator), by the owner under a job run (job_run_id),
-- and by the service role (neither). The small path (<= 100 rows) is covered by the other history files.
begin;
select plan(9);

-- One chapter, one coordinator, 150 mentors: 1-50 active, 51-100 active, 101-150 paused.
do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('bulkmix org'), 'bulkmix chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('bulkmix cora'), 'coordinator');
  for n in 1..150 loop
    perform tests.add_membership(v_chapter, tests.create_user('bulkmix ' || n), 'peer_mentor');
    perform tests.create_mentor(tests.uuid('bulkmix ' || n), case when n <= 100 then 'active' else 'paused' end::public.mentor_status);
  end loop;
end;
$$;

create temporary table mentors on commit drop as
select n, tests.uuid('mentor:' || tests.uuid('bulkmix ' || n)::text) as id from generate_series(1, 150) n;
grant select on mentors to authenticated, service_role;
create temporary table mark (id bigint) on commit drop;
create function pg_temp.mark() returns void language sql volatile
as $$ delete from pg_temp.mark; insert into pg_temp.mark select coalesce(max(id), 0) from public.peer_mentor_status_history $$;
create function pg_temp.new_rows() returns table (n integer, previous_status public.mentor_status, new_status public.mentor_status,
                                                 reason text, changed_by uuid, job_run_id uuid)
language sql stable
as $$ select m.n, h.previous_status, h.new_status, h.reason, h.changed_by, h.job_run_id
        from public.peer_mentor_status_history h join pg_temp.mentors m on m.id = h.mentor_id
       where h.id > (select id from pg_temp.mark) $$;
grant execute on function pg_temp.new_rows() to authenticated, service_role;

-- 1. The coordinator: pauses 1-50, leaves 51-100 active and 101-150 paused, in one statement over all 150.
select pg_temp.mark();
select tests.authenticate_as(tests.uuid('bulkmix cora'));
select results_eq(
  $$ with u as (
       update public.peer_mentors pm
          set status = case when m.n <= 50 then 'paused'::public.mentor_status else pm.status end,
              status_reason = case when m.n <= 50 then 'bulk by cora' else pm.status_reason end
         from pg_temp.mentors m
        where m.id = pm.id
       returning 1)
     select count(*) from u $$,
  $$ values (150::bigint) $$, 'fixture: the coordinator''s statement updates all 150 rows (the bulk path)');
select tests.clear_authentication();
select set_eq($$ select * from pg_temp.new_rows() $$,
  $$ select n, 'active'::public.mentor_status as previous_status, 'paused'::public.mentor_status as new_status, 'bulk by cora' as reason,
            tests.uuid('bulkmix cora') as changed_by, null::uuid as job_run_id
       from generate_series(1, 50) n $$,
  'coordinator: one row for each of the 50 changed mentors, active -> paused, changed_by the coordinator, no job run');
select is((select count(*) from pg_temp.new_rows()), 50::bigint,
  'coordinator: exactly 50 rows (none twice, none for the 100 unchanged mentors)');

-- 2. The owner under a job run: resumes 1-25 (paused -> active), pauses 51-75, leaves the other 100.
create temporary table run on commit drop as select tests.uuid('bulkmix run') as id;
insert into public.job_runs (id, job_name) select id, 'bulkmix' from run;
select pg_temp.mark();
select set_config('app.job_run_id', (select id from run)::text, true);
update public.peer_mentors pm
   set status = case when m.n <= 25 then 'active'::public.mentor_status when m.n between 51 and 75 then 'paused' else pm.status end,
       status_reason = case when m.n <= 25 or m.n between 51 and 75 then 'bulk by the job' else pm.status_reason end
  from pg_temp.mentors m
 where m.id = pm.id;
select set_config('app.job_run_id', '', true);
select set_eq($$ select * from pg_temp.new_rows() $$,
  $$ select n, 'paused'::public.mentor_status as previous_status, 'active'::public.mentor_status as new_status, 'bulk by the job' as reason,
            null::uuid as changed_by, (select id from pg_temp.run) as job_run_id
       from generate_series(1, 25) n
     union all
     select n, 'active', 'paused', 'bulk by the job', null, (select id from pg_temp.run) from generate_series(51, 75) n $$,
  'job run: one row for each of the 50 changed mentors, with the right previous and new status and the job run id');
select is((select count(*) from pg_temp.new_rows()), 50::bigint, 'job run: exactly 50 rows');

-- 3. The service role: sets 101-120 inactive (from paused), "sets" 121-150 paused again (unchanged).
select pg_temp.mark();
select tests.authenticate_as_service_role();
update public.peer_mentors pm
   set status = case when m.n between 101 and 120 then 'inactive'::public.mentor_status else pm.status end,
       status_reason = case when m.n between 101 and 120 then 'bulk by the service role' else pm.status_reason end
  from pg_temp.mentors m
 where m.id = pm.id and m.n > 25;
select tests.clear_authentication();
select set_eq($$ select * from pg_temp.new_rows() $$,
  $$ select n, 'paused'::public.mentor_status as previous_status, 'inactive'::public.mentor_status as new_status,
            'bulk by the service role' as reason, null::uuid as changed_by, null::uuid as job_run_id
       from generate_series(101, 120) n $$,
  'service role: one row for each of the 20 changed mentors (out of 125 updated), no changed_by, no job run');
select is((select count(*) from pg_temp.new_rows()), 20::bigint, 'service role: exactly 20 rows');

-- Every chain still ends at the mentor's current status and reason.
select is_empty(
  $$ select m.n from pg_temp.mentors m join public.peer_mentors pm on pm.id = m.id
      where (pm.status, pm.status_reason) is distinct from
            (select (h.new_status, h.reason) from public.peer_mentor_status_history h
              where h.mentor_id = m.id order by h.changed_at desc, h.id desc limit 1) $$,
  'each of the 150 chains ends at its mentor''s current (status, status_reason)');
select is_empty(
  $$ select h.mentor_id from public.peer_mentor_status_history h join pg_temp.mentors m on m.id = h.mentor_id
      group by h.mentor_id, h.changed_at having count(*) > 1 $$,
  'no mentor has two history rows for one change');

select * from finish();
rollback;
