-- public.mentor_status_at(mentor, instant): the status, reason and actor of the last history row with
-- changed_at <= the instant, ties broken by the higher id; nothing before the first row; the current status
-- after the last; bound by RLS; a null argument is PM501.
begin;
select plan(12);

select tests.create_rls_fixture();
-- A chain with known instants: created (row 1, from the fixture), then paused and resumed by its coordinator.
select tests.rls_sign_in('coord-north');
update public.peer_mentors set status = 'paused', status_reason = 'Exams' where id = tests.rls_mentor('mentor-self');
select tests.clear_authentication();
select set_config('tests.t1', (select changed_at from public.peer_mentor_status_history
   where mentor_id = tests.rls_mentor('mentor-self') and previous_status is null)::text, true);
select set_config('tests.t2', (select changed_at from public.peer_mentor_status_history
   where mentor_id = tests.rls_mentor('mentor-self') and new_status = 'paused')::text, true);

select is_empty($$select * from public.mentor_status_at(tests.rls_mentor('mentor-self'), current_setting('tests.t1')::timestamptz - interval '1 microsecond')$$,
  'before the first row: no status (the mentor did not exist yet)');
select results_eq($$select status::text, reason from public.mentor_status_at(tests.rls_mentor('mentor-self'), current_setting('tests.t1')::timestamptz)$$,
  $$values ('active', null::text)$$, 'exactly at the first row''s changed_at: that row is in force');
select results_eq($$select status::text from public.mentor_status_at(tests.rls_mentor('mentor-self'), current_setting('tests.t2')::timestamptz - interval '1 microsecond')$$,
  $$values ('active')$$, 'a microsecond before a change: the row before it');
select results_eq($$select status::text, reason, changed_by, since from public.mentor_status_at(tests.rls_mentor('mentor-self'), current_setting('tests.t2')::timestamptz)$$,
  $$values ('paused', 'Exams', tests.rls_user('coord-north'), current_setting('tests.t2')::timestamptz)$$,
  'exactly at a change''s changed_at: the change is in force, with its reason, actor and since');
select results_eq($$select status::text, reason from public.mentor_status_at(tests.rls_mentor('mentor-self'), 'infinity')$$,
  $$select status::text, status_reason from public.peer_mentors where id = tests.rls_mentor('mentor-self')$$,
  'after the last row: the current status and reason');

-- Ties: two rows at the same changed_at (only a backfill could write them; the trigger keeps changed_at strictly
-- increasing per mentor). Written by the owner opting in, as such a backfill would; the higher id is in force.
select set_config('app.history_backfill', txid_current()::text, true);
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
values (tests.rls_mentor('mentor-other'), 'active', 'paused', '2030-01-01T00:00:00Z', 'first of the tie'),
       (tests.rls_mentor('mentor-other'), 'paused', 'active', '2030-01-01T00:00:00Z', 'second of the tie');
select set_config('app.history_backfill', '', true);
select results_eq($$select status::text, reason from public.mentor_status_at(tests.rls_mentor('mentor-other'), '2030-01-01T00:00:00Z')$$,
  $$values ('active', 'second of the tie')$$, 'ties at one changed_at are broken by id: the higher id is in force');
select results_eq($$select history_id from public.mentor_status_at(tests.rls_mentor('mentor-other'), '2030-01-01T00:00:00Z')$$,
  $$select max(id) from public.peer_mentor_status_history where mentor_id = tests.rls_mentor('mentor-other')$$,
  '...and history_id names that row');

-- RLS: the caller's view of the history decides.
select tests.rls_sign_in('mentor-self');
select isnt_empty($$select * from public.mentor_status_at(tests.rls_mentor('mentor-self'), 'infinity')$$, 'a mentor reads its own past');
select is_empty($$select * from public.mentor_status_at(tests.rls_mentor('mentor-other'), 'infinity')$$, 'but not another mentor''s');
select tests.rls_sign_in('coord-west');
select is_empty($$select * from public.mentor_status_at(tests.rls_mentor('mentor-self'), 'infinity')$$,
  'a coordinator not responsible for the mentor reads nothing');

select throws_ok($$select * from public.mentor_status_at(null, 'infinity')$$, 'PM501', null, 'a null mentor is PM501');
select throws_ok($$select * from public.mentor_status_at(tests.rls_mentor('mentor-self'), null)$$, 'PM501', null, 'a null instant is PM501');

select * from finish();
rollback;
