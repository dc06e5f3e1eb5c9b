-- public.coordinator_board under RLS, every kind of caller of the RLS fixture: one row per mentor the signed-in
-- coordinator is responsible for (multi-chapter mentors once), never the caller itself, nobody for mentors,
-- idle coordinators and outsiders; anon has no access; the service role coordinates nobody.
begin;
select plan(15);

--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

select tests.authenticate_as_anon();
select throws_ok($$select mentor_id from public.coordinator_board$$, '42501', null, 'anon cannot read the board');

select tests.rls_sign_in('coord-north');
select set_eq($$select mentor_id from public.coordinator_board$$,
  $$values (tests.rls_mentor('mentor-self')), (tests.rls_mentor('mentor-other'))$$,
  'coord-north: the active mentors of north (not the former one)');

select tests.rls_sign_in('coord-multi');
select set_eq($$select mentor_id from public.coordinator_board$$,
  $$values (tests.rls_mentor('mentor-self')), (tests.rls_mentor('mentor-other')), (tests.rls_mentor('mentor-south')),
           (tests.rls_mentor('mentor-multi'))$$,
  'coord-multi: the mentors of north and south');
select is((select count(*)::int from public.coordinator_board), 4, 'coord-multi: one row per mentor, none twice');

select tests.rls_sign_in('coord-west');
select set_eq($$select mentor_id from public.coordinator_board$$,
  $$values (tests.rls_mentor('mentor-multi')), (tests.rls_mentor('mentor-west'))$$,
  'coord-west: the mentors of west, the multi-chapter mentor included');

select tests.rls_sign_in('coord-idle');
select is_empty($$select mentor_id from public.coordinator_board$$, 'an idle coordinator (inactive membership) has an empty board');

select tests.rls_sign_in('outsider');
select is_empty($$select mentor_id from public.coordinator_board$$, 'a user without memberships has an empty board');

select tests.rls_sign_in('mentor-self');
select is_empty($$select mentor_id from public.coordinator_board$$, 'a mentor has an empty board (nobody coordinates itself)');

select tests.rls_sign_in('mentor-multi');
select is_empty($$select mentor_id from public.coordinator_board$$, 'a multi-chapter mentor has an empty board too');

select tests.authenticate_as_service_role();
select is_empty($$select mentor_id from public.coordinator_board$$, 'the service role is nobody''s coordinator: an empty board');

-- Filters, as supabase-js sends them: .contains('chapter_ids', [id]) and .eq('status', ...).
select tests.clear_authentication();
update public.peer_mentors set status = 'paused', status_reason = 'fixture' where id = tests.rls_mentor('mentor-south');
select tests.rls_sign_in('coord-multi');
select set_eq($$select mentor_id from public.coordinator_board where chapter_ids @> array[tests.rls_chapter('south')]$$,
  $$values (tests.rls_mentor('mentor-south')), (tests.rls_mentor('mentor-multi'))$$,
  'filtered by chapter: the mentors of south only');
select set_eq($$select mentor_id from public.coordinator_board where status = 'paused'$$,
  $$values (tests.rls_mentor('mentor-south'))$$,
  'filtered by status: the paused mentor only');

-- A coordinator who is also a mentor in its own chapter sees itself on its card, never on its board.
select tests.clear_authentication();
select tests.create_mentor(tests.rls_user('coord-north'));
select tests.add_membership(tests.rls_chapter('north'), tests.rls_user('coord-north'), 'peer_mentor');
select tests.rls_sign_in('coord-north');
select set_eq($$select mentor_id from public.coordinator_board$$,
  $$values (tests.rls_mentor('mentor-self')), (tests.rls_mentor('mentor-other'))$$,
  'a coordinator who is a mentor too: not on its own board');
select set_eq($$select mentor_id from public.my_mentor_card$$,
  $$values (tests.rls_mentor('coord-north'))$$,
  '...but on its own card');
select tests.rls_sign_in('coord-multi');
select ok(tests.rls_mentor('coord-north') in (select mentor_id from public.coordinator_board),
  'and on the board of the other coordinator of north');

select * from finish();
rollback;
