-- peer_mentor_status_history under RLS: readable wherever the mentor is (by the mentor itself and by its active
-- coordinators, multi-chapter mentors through either chapter), by nobody else; written by nobody through the
-- API (no insert/update/delete privilege for authenticated, nor for the service role: the trigger writes it).
begin;
select plan(35);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

-- A second row for mentor other and mentor multi, written by the owner (a system change), so a timeline
-- has more than its first row.
update public.peer_mentors set status = 'paused', status_reason = 'fixture'
 where id in (tests.rls_mentor('mentor-other'), tests.rls_mentor('mentor-multi'));

-- ---------------------------------------------------------------------------------------------------------
-- Reads: (mentor, previous_status, new_status) tuples
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select id from public.peer_mentor_status_history$$, '42501', null, 'anon cannot read the history');

select tests.rls_sign_in('mentor-self');
select set_eq(
  $$select mentor_id, previous_status::text, new_status::text from public.peer_mentor_status_history$$,
  $$values (tests.rls_mentor('mentor-self'), null::text, 'active')$$,
  'mentor self reads only its own history');

select tests.rls_sign_in('mentor-other');
select results_eq(
  $$select mentor_id, previous_status::text, new_status::text from public.peer_mentor_status_history order by changed_at desc, id desc$$,
  $$values (tests.rls_mentor('mentor-other'), 'active', 'paused'), (tests.rls_mentor('mentor-other'), null::text, 'active')$$,
  'mentor other reads only its own timeline, newest first (not mentor self''s)');

select tests.rls_sign_in('mentor-former');
select set_eq(
  $$select mentor_id, previous_status::text, new_status::text from public.peer_mentor_status_history$$,
  $$values (tests.rls_mentor('mentor-former'), null::text, 'active')$$,
  'a mentor whose membership ended still reads its own history');

select tests.rls_sign_in('coord-north');
select set_eq(
  $$select mentor_id, previous_status::text, new_status::text from public.peer_mentor_status_history$$,
  $$values (tests.rls_mentor('mentor-self'), null::text, 'active'),
           (tests.rls_mentor('mentor-other'), null, 'active'), (tests.rls_mentor('mentor-other'), 'active', 'paused')$$,
  'the same-chapter coordinator reads the history of the active mentors of north only');

select tests.rls_sign_in('coord-west');
select set_eq(
  $$select mentor_id, previous_status::text, new_status::text from public.peer_mentor_status_history$$,
  $$values (tests.rls_mentor('mentor-multi'), null::text, 'active'), (tests.rls_mentor('mentor-multi'), 'active', 'paused'),
           (tests.rls_mentor('mentor-west'), null, 'active')$$,
  'the other-chapter coordinator reads the history of the mentors of west (multi-chapter mentor included)');

select tests.rls_sign_in('coord-multi');
select set_eq(
  $$select mentor_id, previous_status::text, new_status::text from public.peer_mentor_status_history$$,
  $$values (tests.rls_mentor('mentor-self'), null::text, 'active'),
           (tests.rls_mentor('mentor-other'), null, 'active'), (tests.rls_mentor('mentor-other'), 'active', 'paused'),
           (tests.rls_mentor('mentor-south'), null, 'active'),
           (tests.rls_mentor('mentor-multi'), null, 'active'), (tests.rls_mentor('mentor-multi'), 'active', 'paused')$$,
  'the multi-chapter coordinator reads the history of the mentors of north and south');

select tests.rls_sign_in('coord-idle');
select is_empty($$select id from public.peer_mentor_status_history$$, 'the idle coordinator reads no history');

select tests.rls_sign_in('outsider');
select is_empty($$select id from public.peer_mentor_status_history$$, 'the outsider reads no history');

select tests.rls_sign_in('coord-west');
select is_empty(
  format($$select id from public.peer_mentor_status_history where mentor_id = %L$$, tests.rls_mentor('mentor-self')),
  'asking for another chapter''s mentor by id returns nothing');

select tests.authenticate_as_service_role();
select set_eq(
  $$select h.mentor_id, h.previous_status::text, h.new_status::text
      from public.peer_mentor_status_history h
      join public.peer_mentors pm on pm.id = h.mentor_id
      join public.users u on u.id = pm.user_id
     where u.full_name like 'rls:%'$$,
  $$select tests.rls_mentor(n), null::text, 'active'
      from unnest(array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west', 'mentor-former']) n
    union all
    select tests.rls_mentor(n), 'active', 'paused' from unnest(array['mentor-other', 'mentor-multi']) n$$,
  'the service role reads all history');

-- ---------------------------------------------------------------------------------------------------------
-- Writes: no API role has the privilege
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(
  format($$insert into public.peer_mentor_status_history (mentor_id, new_status) values (%L, 'paused')$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'anon cannot insert history');
select throws_ok($$update public.peer_mentor_status_history set reason = 'x'$$, '42501', null, 'anon cannot update history');
select throws_ok($$delete from public.peer_mentor_status_history$$, '42501', null, 'anon cannot delete history');

select tests.rls_sign_in('mentor-self');
select throws_ok(
  format($$insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status) values (%L, 'active', 'paused')$$,
         tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot insert into its own history');
select throws_ok(
  format($$update public.peer_mentor_status_history set reason = 'rewritten' where mentor_id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot update its own history');
select throws_ok(
  format($$delete from public.peer_mentor_status_history where mentor_id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'mentor self cannot delete its own history');

select tests.rls_sign_in('coord-north');
select throws_ok(
  format($$insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status) values (%L, 'paused', 'active')$$,
         tests.rls_mentor('mentor-other')),
  '42501', null, 'the same-chapter coordinator cannot insert history');
select throws_ok(
  format($$update public.peer_mentor_status_history set changed_by = %L where mentor_id = %L$$, tests.rls_user('coord-north'), tests.rls_mentor('mentor-other')),
  '42501', null, 'the same-chapter coordinator cannot update history');
select throws_ok(
  format($$delete from public.peer_mentor_status_history where mentor_id = %L$$, tests.rls_mentor('mentor-other')),
  '42501', null, 'the same-chapter coordinator cannot delete history');

select tests.rls_sign_in('coord-multi');
select throws_ok($$update public.peer_mentor_status_history set reason = null$$, '42501', null,
  'the multi-chapter coordinator cannot update history');
select throws_ok($$delete from public.peer_mentor_status_history$$, '42501', null,
  'the multi-chapter coordinator cannot delete history');
select throws_ok($$truncate public.peer_mentor_status_history$$, '42501', null,
  'the multi-chapter coordinator cannot truncate history');

select tests.rls_sign_in('coord-west');
select throws_ok(
  format($$insert into public.peer_mentor_status_history (mentor_id, new_status) values (%L, 'inactive')$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'the other-chapter coordinator cannot insert history for a mentor outside its chapters');

select tests.rls_sign_in('coord-idle');
select throws_ok($$delete from public.peer_mentor_status_history$$, '42501', null, 'the idle coordinator cannot delete history');

select tests.rls_sign_in('outsider');
select throws_ok(
  format($$insert into public.peer_mentor_status_history (mentor_id, new_status) values (%L, 'paused')$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'the outsider cannot insert history');
select throws_ok($$update public.peer_mentor_status_history set reason = 'x'$$, '42501', null, 'the outsider cannot update history');

select tests.authenticate_as_service_role();
select throws_ok(
  format($$insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status) values (%L, 'active', 'paused')$$,
         tests.rls_mentor('mentor-self')),
  '42501', null, 'the service role cannot insert history (the trigger writes it)');
select throws_ok(
  format($$update public.peer_mentor_status_history set reason = 'x' where mentor_id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'the service role cannot update history');
select throws_ok(
  format($$delete from public.peer_mentor_status_history where mentor_id = %L$$, tests.rls_mentor('mentor-self')),
  '42501', null, 'the service role cannot delete history');
select throws_ok($$truncate public.peer_mentor_status_history$$, '42501', null, 'the service role cannot truncate history');

-- Reading history through a status change the caller is allowed to make: the new row is visible to the
-- mentor and to its coordinators, and to nobody else.
select tests.rls_sign_in('mentor-self');
update public.peer_mentors set status = 'paused', status_reason = 'self pause' where id = tests.rls_mentor('mentor-self');
select results_eq(
  $$select previous_status::text, new_status::text, changed_by, reason from public.peer_mentor_status_history order by changed_at desc, id desc limit 1$$,
  $$values ('active', 'paused', tests.rls_user('mentor-self'), 'self pause')$$,
  'mentor self reads the row its own change wrote, attributed to itself');
select tests.rls_sign_in('coord-multi');
select results_eq(
  format($$select previous_status::text, new_status::text, changed_by from public.peer_mentor_status_history
            where mentor_id = %L order by changed_at desc, id desc limit 1$$, tests.rls_mentor('mentor-self')),
  $$values ('active', 'paused', tests.rls_user('mentor-self'))$$,
  'the multi-chapter coordinator reads mentor self''s new row');
select tests.rls_sign_in('coord-west');
select is_empty($$select id from public.peer_mentor_status_history where reason = 'self pause'$$,
  'the other-chapter coordinator does not read mentor self''s new row');

select tests.clear_authentication();
select results_eq(
  $$select count(*) from public.peer_mentor_status_history h
      join public.peer_mentors pm on pm.id = h.mentor_id join public.users u on u.id = pm.user_id
     where u.full_name like 'rls:%'$$,
  $$values (9::bigint)$$,
  'as owner: the history holds exactly the 9 fixture rows (nothing inserted, updated away or deleted by the API roles)');

select * from finish();
rollback;
