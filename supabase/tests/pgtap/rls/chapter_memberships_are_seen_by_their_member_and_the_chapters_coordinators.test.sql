-- chapter_memberships under RLS: everyone signed in reads its own memberships (inactive ones included); a
-- coordinator also reads every membership of the chapters it actively coordinates -- ended ones included, so it
-- can see who left (their profiles stay hidden: users shows a coordinator active members only); only the
-- service role writes.
begin;
select plan(26);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

-- ---------------------------------------------------------------------------------------------------------
-- Reads: (chapter, user, role, is_active)
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select user_id from public.chapter_memberships$$, '42501', null, 'anon cannot read memberships');

select tests.rls_sign_in('mentor-self');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (tests.rls_chapter('north'), tests.rls_user('mentor-self'), 'peer_mentor', true)$$,
  'mentor self reads only its own membership (not mentor other''s, not its coordinators'')');

select tests.rls_sign_in('mentor-multi');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (tests.rls_chapter('south'), tests.rls_user('mentor-multi'), 'peer_mentor', true),
           (tests.rls_chapter('west'), tests.rls_user('mentor-multi'), 'peer_mentor', true)$$,
  'a multi-chapter mentor reads its own two memberships');

select tests.rls_sign_in('mentor-former');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (tests.rls_chapter('north'), tests.rls_user('mentor-former'), 'peer_mentor', false)$$,
  'a mentor reads its own ended membership');

select tests.rls_sign_in('coord-north');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (tests.rls_chapter('north'), tests.rls_user('mentor-self'),   'peer_mentor', true),
           (tests.rls_chapter('north'), tests.rls_user('mentor-other'),  'peer_mentor', true),
           (tests.rls_chapter('north'), tests.rls_user('mentor-former'), 'peer_mentor', false),
           (tests.rls_chapter('north'), tests.rls_user('coord-north'),   'coordinator', true),
           (tests.rls_chapter('north'), tests.rls_user('coord-multi'),   'coordinator', true),
           (tests.rls_chapter('north'), tests.rls_user('coord-idle'),    'coordinator', false)$$,
  'the same-chapter coordinator reads every membership of north (ended ones included) and nothing of other chapters');

select tests.rls_sign_in('coord-west');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (tests.rls_chapter('west'), tests.rls_user('mentor-multi'), 'peer_mentor', true),
           (tests.rls_chapter('west'), tests.rls_user('mentor-west'),  'peer_mentor', true),
           (tests.rls_chapter('west'), tests.rls_user('coord-west'),   'coordinator', true)$$,
  'the other-chapter coordinator reads the memberships of west only (not the multi-chapter mentor''s south one)');

select tests.rls_sign_in('coord-multi');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (tests.rls_chapter('north'), tests.rls_user('mentor-self'),   'peer_mentor', true),
           (tests.rls_chapter('north'), tests.rls_user('mentor-other'),  'peer_mentor', true),
           (tests.rls_chapter('north'), tests.rls_user('mentor-former'), 'peer_mentor', false),
           (tests.rls_chapter('north'), tests.rls_user('coord-north'),   'coordinator', true),
           (tests.rls_chapter('north'), tests.rls_user('coord-multi'),   'coordinator', true),
           (tests.rls_chapter('north'), tests.rls_user('coord-idle'),    'coordinator', false),
           (tests.rls_chapter('south'), tests.rls_user('mentor-south'),  'peer_mentor', true),
           (tests.rls_chapter('south'), tests.rls_user('mentor-multi'),  'peer_mentor', true),
           (tests.rls_chapter('south'), tests.rls_user('coord-multi'),   'coordinator', true)$$,
  'the multi-chapter coordinator reads every membership of north and south');

select tests.rls_sign_in('coord-idle');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (tests.rls_chapter('north'), tests.rls_user('coord-idle'), 'coordinator', false)$$,
  'the idle coordinator reads only its own inactive membership, none of north''s members');

select tests.rls_sign_in('outsider');
select is_empty($$select user_id from public.chapter_memberships$$, 'the outsider reads no membership');

select tests.authenticate_as_service_role();
select results_eq(
  $$select count(*) from public.chapter_memberships where chapter_id in (select tests.rls_chapter(n) from unnest(array['north', 'south', 'west']) n)$$,
  $$values (12::bigint)$$,
  'the service role reads all 12 memberships');

-- ---------------------------------------------------------------------------------------------------------
-- Writes: nobody signed in, not even a coordinator of the chapter
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'coordinator')$$,
                        tests.rls_chapter('north'), tests.rls_user('outsider')),
  '42501', null, 'anon cannot insert a membership');
select throws_ok($$update public.chapter_memberships set is_active = false$$, '42501', null, 'anon cannot update memberships');
select throws_ok($$delete from public.chapter_memberships$$, '42501', null, 'anon cannot delete memberships');

select tests.rls_sign_in('outsider');
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'coordinator')$$,
                        tests.rls_chapter('north'), tests.rls_user('outsider')),
  '42501', null, 'the outsider cannot make itself a coordinator');

select tests.rls_sign_in('coord-idle');
select throws_ok(format($$update public.chapter_memberships set is_active = true where user_id = %L$$, tests.rls_user('coord-idle')),
  '42501', null, 'the idle coordinator cannot reactivate its own membership');

select tests.rls_sign_in('mentor-self');
select throws_ok(format($$update public.chapter_memberships set role = 'coordinator' where user_id = %L$$, tests.rls_user('mentor-self')),
  '42501', null, 'mentor self cannot promote itself to coordinator');
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'peer_mentor')$$,
                        tests.rls_chapter('west'), tests.rls_user('mentor-self')),
  '42501', null, 'mentor self cannot join another chapter');
select throws_ok(format($$delete from public.chapter_memberships where user_id = %L$$, tests.rls_user('mentor-self')),
  '42501', null, 'mentor self cannot delete its membership');

select tests.rls_sign_in('coord-north');
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'peer_mentor')$$,
                        tests.rls_chapter('north'), tests.rls_user('outsider')),
  '42501', null, 'a coordinator cannot add a member to its chapter');
select throws_ok(format($$update public.chapter_memberships set is_active = false where user_id = %L$$, tests.rls_user('mentor-self')),
  '42501', null, 'a coordinator cannot end a membership in its chapter');
select throws_ok(format($$delete from public.chapter_memberships where user_id = %L$$, tests.rls_user('mentor-other')),
  '42501', null, 'a coordinator cannot delete a membership in its chapter');

select tests.rls_sign_in('coord-multi');
select throws_ok(format($$update public.chapter_memberships set chapter_id = %L where user_id = %L$$,
                        tests.rls_chapter('south'), tests.rls_user('mentor-self')),
  '42501', null, 'the multi-chapter coordinator cannot move a member between its chapters');

select tests.authenticate_as_service_role();
select lives_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'peer_mentor')$$,
                       tests.rls_chapter('west'), tests.rls_user('outsider')),
  'the service role adds a membership');
select results_eq(
  format($$update public.chapter_memberships set is_active = false where user_id = %L and chapter_id = %L returning is_active$$,
         tests.rls_user('outsider'), tests.rls_chapter('west')),
  $$values (false)$$,
  'the service role ends a membership');
select results_eq(
  format($$delete from public.chapter_memberships where user_id = %L returning chapter_id$$, tests.rls_user('outsider')),
  format($$values (%L::uuid)$$, tests.rls_chapter('west')),
  'the service role deletes a membership');

select tests.clear_authentication();
select set_eq(
  $$select user_id, role::text, is_active from public.chapter_memberships where chapter_id = tests.rls_chapter('north')$$,
  $$values (tests.rls_user('mentor-self'), 'peer_mentor', true), (tests.rls_user('mentor-other'), 'peer_mentor', true),
           (tests.rls_user('mentor-former'), 'peer_mentor', false), (tests.rls_user('coord-north'), 'coordinator', true),
           (tests.rls_user('coord-multi'), 'coordinator', true), (tests.rls_user('coord-idle'), 'coordinator', false)$$,
  'as owner: north''s memberships are unchanged');

select * from finish();
rollback;
