-- users (profiles) under RLS: everyone signed in reads its own profile and may edit its full_name; a coordinator
-- also reads the profiles of the active members of the chapters it actively coordinates; nothing else.
begin;
select plan(29);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

-- ---------------------------------------------------------------------------------------------------------
-- Reads
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select id from public.users$$, '42501', null, 'anon cannot read profiles');

select tests.rls_sign_in('mentor-self');
select set_eq($$select id from public.users$$, array[tests.rls_user('mentor-self')],
  'mentor self reads only its own profile (not its coordinators'', not mentor other''s)');

select tests.rls_sign_in('mentor-other');
select set_eq($$select id from public.users$$, array[tests.rls_user('mentor-other')], 'mentor other reads only its own profile');

select tests.rls_sign_in('mentor-multi');
select set_eq($$select id from public.users$$, array[tests.rls_user('mentor-multi')], 'a multi-chapter mentor reads only its own profile');

select tests.rls_sign_in('coord-north');
select set_eq($$select id from public.users$$,
  array[tests.rls_user('coord-north'), tests.rls_user('coord-multi'), tests.rls_user('mentor-self'), tests.rls_user('mentor-other')],
  'the same-chapter coordinator reads itself and the active members of north (not the former mentor nor the idle coordinator)');

select tests.rls_sign_in('coord-west');
select set_eq($$select id from public.users$$,
  array[tests.rls_user('coord-west'), tests.rls_user('mentor-multi'), tests.rls_user('mentor-west')],
  'the other-chapter coordinator reads itself and the active members of west');

select tests.rls_sign_in('coord-multi');
select set_eq($$select id from public.users$$,
  array[tests.rls_user('coord-multi'), tests.rls_user('coord-north'), tests.rls_user('mentor-self'), tests.rls_user('mentor-other'),
        tests.rls_user('mentor-south'), tests.rls_user('mentor-multi')],
  'the multi-chapter coordinator reads itself and the active members of north and south');

select tests.rls_sign_in('coord-idle');
select set_eq($$select id from public.users$$, array[tests.rls_user('coord-idle')],
  'the idle coordinator reads only its own profile');

select tests.rls_sign_in('outsider');
select set_eq($$select id from public.users$$, array[tests.rls_user('outsider')], 'the outsider reads only its own profile');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.users where full_name like 'rls:%'$$,
  $$select tests.rls_user(n) from unnest(array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west',
      'mentor-former', 'coord-north', 'coord-west', 'coord-multi', 'coord-idle', 'outsider']) n$$,
  'the service role reads every profile');

-- ---------------------------------------------------------------------------------------------------------
-- Updates: full_name of one's own profile only
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$update public.users set full_name = 'anon'$$, '42501', null, 'anon cannot update profiles');

select tests.rls_sign_in('mentor-self');
select results_eq(
  format($$update public.users set full_name = 'Mentor Self' where id = %L returning id, full_name$$, tests.rls_user('mentor-self')),
  format($$values (%L::uuid, 'Mentor Self')$$, tests.rls_user('mentor-self')),
  'mentor self renames itself');
select is_empty(
  format($$update public.users set full_name = 'hijacked' where id = %L returning id$$, tests.rls_user('mentor-other')),
  'mentor self renaming mentor other updates no row');
select throws_ok(
  format($$update public.users set email = 'self@elsewhere.invalid' where id = %L$$, tests.rls_user('mentor-self')),
  '42501', null, 'mentor self cannot change its email (column grant: full_name only)');
select throws_ok(
  format($$update public.users set id = %L where id = %L$$, tests.rls_user('nobody'), tests.rls_user('mentor-self')),
  '42501', null, 'mentor self cannot change its id');

select tests.rls_sign_in('coord-north');
select is_empty(
  format($$update public.users set full_name = 'renamed by coordinator' where id = %L returning id$$, tests.rls_user('mentor-self')),
  'a coordinator renaming a mentor it can read updates no row');

select tests.rls_sign_in('coord-west');
select is_empty(
  format($$update public.users set full_name = 'renamed by stranger' where id = %L returning id$$, tests.rls_user('mentor-self')),
  'a coordinator renaming a mentor outside its chapters updates no row');

-- An update with no WHERE (so no SELECT policy applies) reaches exactly the caller's own profile.
select tests.rls_sign_in('coord-multi');
update public.users set full_name = 'sweep by coord-multi';
select tests.rls_sign_in('outsider');
update public.users set full_name = 'sweep by outsider';

select tests.clear_authentication();
select set_eq($$select id, full_name from public.users where full_name not like 'rls:%' and id in (select tests.rls_user(n)
      from unnest(array['mentor-self', 'mentor-other', 'coord-multi', 'outsider', 'mentor-south', 'coord-north']) n)$$,
  $$values (tests.rls_user('mentor-self'), 'Mentor Self'), (tests.rls_user('coord-multi'), 'sweep by coord-multi'),
           (tests.rls_user('outsider'), 'sweep by outsider')$$,
  'as owner: only the callers'' own names changed');
select is((select email from public.users where id = tests.rls_user('mentor-self')), 'rls:mentor-self@test.invalid',
  'as owner: mentor self''s email is unchanged');

select tests.authenticate_as_service_role();
select results_eq(
  format($$update public.users set email = 'new@test.invalid' where id = %L returning email$$, tests.rls_user('mentor-west')),
  $$values ('new@test.invalid')$$,
  'the service role updates any profile column');

-- ---------------------------------------------------------------------------------------------------------
-- Insert and delete: service role only
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$delete from public.users$$, '42501', null, 'anon cannot delete profiles');

select tests.rls_sign_in('outsider');
select throws_ok(format($$insert into public.users (id, full_name) values (%L, 'twin')$$, tests.rls_user('outsider')),
  '42501', null, 'the outsider cannot insert a profile');
select throws_ok(format($$delete from public.users where id = %L$$, tests.rls_user('outsider')),
  '42501', null, 'the outsider cannot delete its own profile');

select tests.rls_sign_in('mentor-self');
select throws_ok(format($$delete from public.users where id = %L$$, tests.rls_user('mentor-self')),
  '42501', null, 'mentor self cannot delete its own profile');

select tests.rls_sign_in('coord-north');
select throws_ok(format($$delete from public.users where id = %L$$, tests.rls_user('mentor-other')),
  '42501', null, 'a coordinator cannot delete a member''s profile');
select throws_ok(format($$insert into public.users (id, full_name) values (%L, 'new member')$$, tests.uuid('rls:newcomer')),
  '42501', null, 'a coordinator cannot insert a profile');

select tests.rls_sign_in('coord-idle');
select throws_ok($$delete from public.users$$, '42501', null, 'the idle coordinator cannot delete profiles');

select tests.authenticate_as_service_role();
select results_eq(
  format($$delete from public.users where id = %L returning id$$, tests.rls_user('outsider')),
  format($$values (%L::uuid)$$, tests.rls_user('outsider')),
  'the service role deletes a profile');

select tests.clear_authentication();
select results_eq($$select count(*) from public.users where id in (select tests.rls_user(n)
      from unnest(array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west',
      'mentor-former', 'coord-north', 'coord-west', 'coord-multi', 'coord-idle']) n)$$,
  $$values (10::bigint)$$,
  'as owner: every other profile is still there');

select * from finish();
rollback;
