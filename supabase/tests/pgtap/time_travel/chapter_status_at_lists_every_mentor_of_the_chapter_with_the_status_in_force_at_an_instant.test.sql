-- public.chapter_status_at(chapter, instant): every mentor of the chapter (active peer_mentor memberships) with
-- the status in force at the instant; mentors created after it are left out; bound by RLS; nulls are PM501.
begin;
select plan(7);

select tests.create_rls_fixture();
select tests.rls_sign_in('coord-multi');
update public.peer_mentors set status = 'paused', status_reason = 'Away' where id = tests.rls_mentor('mentor-south');
select tests.clear_authentication();
select set_config('tests.paused_at', (select status_changed_at from public.peer_mentors where id = tests.rls_mentor('mentor-south'))::text, true);

select tests.rls_sign_in('coord-multi');
select results_eq(
  $$select mentor_id, status::text from public.chapter_status_at(tests.rls_chapter('south'), current_setting('tests.paused_at')::timestamptz - interval '1 microsecond')$$,
  $$select * from (values (tests.rls_mentor('mentor-south'), 'active'), (tests.rls_mentor('mentor-multi'), 'active')) v order by 1$$,
  'just before the pause: both mentors of south active (ordered by mentor_id)');
select results_eq(
  $$select mentor_id, status::text, reason from public.chapter_status_at(tests.rls_chapter('south'), current_setting('tests.paused_at')::timestamptz)$$,
  $$select * from (values (tests.rls_mentor('mentor-south'), 'paused', 'Away'), (tests.rls_mentor('mentor-multi'), 'active', null)) v order by 1$$,
  'at the pause: mentor south paused, with its reason');
select is_empty($$select * from public.chapter_status_at(tests.rls_chapter('south'), '2000-01-01')$$,
  'before any of them existed: nobody');

-- A mentor who joins later is not in the chapter's past.
select tests.clear_authentication();
select tests.create_mentor(tests.create_user('rls:mentor-late'));
select tests.add_membership(tests.rls_chapter('south'), tests.rls_user('mentor-late'), 'peer_mentor');
select tests.rls_sign_in('coord-multi');
select is((select count(*)::int from public.chapter_status_at(tests.rls_chapter('south'), current_setting('tests.paused_at')::timestamptz)), 2,
  'a mentor created after the instant is left out');

select tests.rls_sign_in('coord-west');
select is_empty($$select * from public.chapter_status_at(tests.rls_chapter('north'), 'infinity')$$,
  'a coordinator of another chapter reads nothing of north');
select tests.rls_sign_in('mentor-south');
select set_eq($$select mentor_id from public.chapter_status_at(tests.rls_chapter('south'), 'infinity')$$,
  $$values (tests.rls_mentor('mentor-south'))$$, 'a mentor sees only itself in its chapter''s past');

select throws_ok($$select * from public.chapter_status_at(null, 'infinity')$$, 'PM501', null, 'a null chapter is PM501');

select * from finish();
rollback;
