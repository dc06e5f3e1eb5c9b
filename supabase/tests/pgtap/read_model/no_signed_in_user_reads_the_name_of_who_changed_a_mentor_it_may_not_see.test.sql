-- private.history_actor_name (the read model's name helper, executable by authenticated) names the person who
-- made a history row only for mentors the caller may see. The earlier negative test used a job's row, whose actor
-- is null anyway; here the row's actor is a person (the mentor herself), so a helper that lost its visibility
-- check would name her (issue 18's mutation pass).
begin;
select plan(4);

do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('actor org'), 'actor chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('actor cora'), 'coordinator');
  perform tests.add_membership(v_chapter, tests.create_user('actor mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('actor mia'));
  perform tests.create_user('actor stranger');
  perform tests.add_membership(tests.create_chapter(tests.create_organization('actor elsewhere'), 'actor other chapter'),
                               tests.create_user('actor carl'), 'coordinator');
end;
$$;

select tests.authenticate_as(tests.uuid('actor mia'));
update public.peer_mentors set status = 'paused', status_reason = 'exams' where user_id = tests.uuid('actor mia');
select tests.clear_authentication();
create temporary table mia_row on commit drop as
  select max(id) as id from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('actor mia'));
grant select on mia_row to authenticated;

select tests.authenticate_as(tests.uuid('actor cora'));
select is(private.history_actor_name((select id from pg_temp.mia_row)), 'actor mia',
  'her coordinator reads who made the change (fixture: the row names a person)');
select tests.authenticate_as(tests.uuid('actor stranger'));
select is(private.history_actor_name((select id from pg_temp.mia_row)), null,
  'a signed-in user with no membership reads no name');
select tests.authenticate_as(tests.uuid('actor carl'));
select is(private.history_actor_name((select id from pg_temp.mia_row)), null,
  'a coordinator of another organisation reads no name');
select is(private.history_job_name((select id from pg_temp.mia_row)), null,
  'nor a job name');

select * from finish();
rollback;
