-- The cards, the board and the timeline name who made each change: the person's full_name (also a coordinator
-- of another chapter, whose profile the caller cannot read) or the job run's name (job_runs is service-role
-- only), and carry the mentor's name, its chapters and the days left on its certification. The definer helpers
-- that borrow those names answer for nobody the caller may not see.
begin;
select plan(16);

--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
select tests.create_rls_fixture();
update public.peer_mentors set certification_expires_at = now() + interval '10 days 1 hour'
 where id = tests.rls_mentor('mentor-multi');
update public.peer_mentors set certification_expires_at = now() - interval '1 hour'
 where id = tests.rls_mentor('mentor-west');

-- coord-west pauses mentor multi (a multi-chapter mentor): coord-multi cannot read coord-west's profile.
select tests.rls_sign_in('coord-west');
update public.peer_mentors set status = 'paused', status_reason = 'Away in March' where id = tests.rls_mentor('mentor-multi');
-- The expiry job pauses mentor west.
select tests.authenticate_as_service_role();
select set_config('tests.job_run_id', public.run_certification_expiry_job(now())::text, true);
select tests.clear_authentication();
select set_config('tests.job_history_id', (select h.id from public.peer_mentor_status_history h
  where h.mentor_id = tests.rls_mentor('mentor-west') and h.job_run_id is not null)::text, true);

select tests.rls_sign_in('coord-multi');
select is_empty($$select id from public.users where id = tests.rls_user('coord-west')$$,
  'coord-multi cannot read coord-west''s profile (so the test means something)');
select results_eq(
  $$select full_name, status::text, status_reason, changed_by, changed_by_name, job_run_id, job_name
      from public.coordinator_board where mentor_id = tests.rls_mentor('mentor-multi')$$,
  $$values ('rls:mentor-multi', 'paused', 'Away in March', tests.rls_user('coord-west'), 'rls:coord-west', null::uuid, null::text)$$,
  'the board names the person who made the change, though the caller cannot read that profile');
select is((select status_changed_at from public.coordinator_board where mentor_id = tests.rls_mentor('mentor-multi')),
  (select status_changed_at from public.peer_mentors where id = tests.rls_mentor('mentor-multi')),
  'since when: the mentor''s status_changed_at');
select is((select certification_days_left from public.coordinator_board where mentor_id = tests.rls_mentor('mentor-multi')), 10,
  'days left: whole days, rounded down (10 days and an hour: 10)');
select results_eq($$select chapter_names from public.coordinator_board where mentor_id = tests.rls_mentor('mentor-multi')$$,
  $$values (array['rls south'])$$,
  'chapters: those of the caller''s organisation (south), not west in an organisation it does not coordinate in');

select tests.rls_sign_in('coord-west');
select results_eq(
  $$select status::text, status_reason, changed_by, changed_by_name, job_run_id, job_name, certification_days_left
      from public.coordinator_board where mentor_id = tests.rls_mentor('mentor-west')$$,
  $$values ('paused', 'certification_expired', null::uuid, null::text, current_setting('tests.job_run_id')::uuid, 'certification_expiry', -1)$$,
  'a job''s change names the job run (job_runs is service-role only); days left is negative once lapsed');
select throws_ok($$select id from public.job_runs$$, '42501', null, 'coord-west cannot read job_runs itself');

select tests.rls_sign_in('mentor-multi');
select results_eq($$select full_name, chapter_names, changed_by_name from public.my_mentor_card$$,
  $$values ('rls:mentor-multi', array['rls south', 'rls west'], 'rls:coord-west')$$,
  'a mentor''s own card: its name, all its chapters (by name) and who paused it');
select results_eq(
  $$select previous_status::text, new_status::text, reason, changed_by_name, job_name from public.mentor_status_timeline order by changed_at, id$$,
  $$values (null::text, 'active', null::text, null::text, null::text), ('active', 'paused', 'Away in March', 'rls:coord-west', null)$$,
  'its timeline: each row with the actor''s name (none for its creation, a system change)');

select tests.rls_sign_in('mentor-west');
select results_eq($$select new_status::text, job_name from public.mentor_status_timeline order by changed_at desc, id desc limit 1$$,
  $$values ('paused', 'certification_expiry')$$,
  'a mentor paused by the job sees the job''s name on its timeline');

-- A mentor who paused itself is named on its own card.
select tests.rls_sign_in('mentor-self');
update public.peer_mentors set status = 'paused', status_reason = 'Exams' where user_id = auth.uid();
select results_eq($$select changed_by_name, status_reason from public.my_mentor_card$$, $$values ('rls:mentor-self', 'Exams')$$,
  'a mentor who paused itself is named as the actor');

-- The helpers behind the names answer only for mentors the caller may see.
select tests.rls_sign_in('coord-north');
select is_empty($$select * from private.mentor_directory(tests.rls_mentor('mentor-west'))$$,
  'private.mentor_directory: nothing about a mentor the caller may not see');
select is(private.history_actor_name(current_setting('tests.job_history_id')::bigint), null,
  'private.history_actor_name: nothing for a history row the caller may not see');
select is(private.history_job_name(current_setting('tests.job_history_id')::bigint), null,
  'private.history_job_name: no job name for a history row the caller may not see');
select tests.rls_sign_in('coord-west');
select is(private.history_job_name(current_setting('tests.job_history_id')::bigint), 'certification_expiry',
  '(the same row''s job name, for the mentor''s own coordinator)');
select isnt_empty($$select * from private.mentor_directory(tests.rls_mentor('mentor-west'))$$,
  '(and its directory entry)');

select * from finish();
rollback;
