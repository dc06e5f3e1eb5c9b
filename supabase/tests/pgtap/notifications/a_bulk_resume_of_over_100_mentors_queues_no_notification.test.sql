-- The outbox queues a notification only for a change to paused or inactive, on the bulk path too (a statement
-- over 100 rows runs its history-and-outbox INSERT through EXECUTE): pausing 120 mentors in one statement queues
-- 120, resuming them in one statement queues none, and setting them inactive queues 120 more. Kills the mutant
-- "the bulk path loses its paused/inactive filter" (issue 18's mutation pass).
begin;
select plan(3);

do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('bulkresume org'), 'bulkresume chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('bulkresume cora'), 'coordinator');
  for n in 1..120 loop
    perform tests.add_membership(v_chapter, tests.create_user('bulkresume ' || n), 'peer_mentor');
    perform tests.create_mentor(tests.uuid('bulkresume ' || n));
  end loop;
end;
$$;
create temporary table mentors on commit drop as
select tests.uuid('mentor:' || tests.uuid('bulkresume ' || n)::text) as id from generate_series(1, 120) n;
create function pg_temp.queued() returns bigint language sql stable
as $$ select count(*) from public.coordinator_notifications where coordinator_id = tests.uuid('bulkresume cora') $$;

update public.peer_mentors set status = 'paused' where id in (select id from pg_temp.mentors);
select is(pg_temp.queued(), 120::bigint, 'a bulk pause of 120 mentors queues 120 notifications');
update public.peer_mentors set status = 'active' where id in (select id from pg_temp.mentors);
select is(pg_temp.queued(), 120::bigint, 'a bulk resume of the 120 queues none');
update public.peer_mentors set status = 'inactive' where id in (select id from pg_temp.mentors);
select is(pg_temp.queued(), 240::bigint, 'a bulk change to inactive queues 120 more');

select * from finish();
rollback;
