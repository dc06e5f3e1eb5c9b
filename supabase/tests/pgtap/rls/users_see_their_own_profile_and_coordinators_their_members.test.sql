-- users (profiles) under RLS: everyone signed in reads its own profile and may edit its full_name; a coordinator
-- also reads the profiles of the active members of the chapters it actively coordinates; nothing else.
begin;
select plan(29);

-- The RLS fixture (the same block opens every matrix file in rls/; pg_temp, so it vanishes with the session):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
create function pg_temp.usr(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('rls:' || p_name) $$;

create function pg_temp.mentor(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('mentor:' || tests.uuid('rls:' || p_name)::text) $$;

create function pg_temp.chapter(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('chapter:rls ' || p_name) $$;

create function pg_temp.org(p_name text) returns uuid
language sql immutable set search_path = ''
as $$ select tests.uuid('org:rls ' || p_name) $$;

create function pg_temp.sign_in(p_name text) returns void
language sql volatile set search_path = ''
as $$ select tests.authenticate_as(tests.uuid('rls:' || p_name)) $$;

do $$
declare
  v_one uuid := tests.create_organization('rls one');
  v_two uuid := tests.create_organization('rls two');
  v_north uuid := tests.create_chapter(v_one, 'rls north');
  v_south uuid := tests.create_chapter(v_one, 'rls south');
  v_west uuid := tests.create_chapter(v_two, 'rls west');
  v_name text;
begin
  foreach v_name in array array['coord-north', 'coord-west', 'coord-multi', 'coord-idle', 'outsider'] loop
    perform tests.create_user('rls:' || v_name);
  end loop;
  foreach v_name in array array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west', 'mentor-former'] loop
    perform tests.create_mentor(tests.create_user('rls:' || v_name));
  end loop;
  perform tests.add_membership(v_north, pg_temp.usr('mentor-self'), 'peer_mentor');
  perform tests.add_membership(v_north, pg_temp.usr('mentor-other'), 'peer_mentor');
  perform tests.add_membership(v_north, pg_temp.usr('mentor-former'), 'peer_mentor', false);
  perform tests.add_membership(v_south, pg_temp.usr('mentor-south'), 'peer_mentor');
  perform tests.add_membership(v_south, pg_temp.usr('mentor-multi'), 'peer_mentor');
  perform tests.add_membership(v_west, pg_temp.usr('mentor-multi'), 'peer_mentor');
  perform tests.add_membership(v_west, pg_temp.usr('mentor-west'), 'peer_mentor');
  perform tests.add_membership(v_north, pg_temp.usr('coord-north'), 'coordinator');
  perform tests.add_membership(v_north, pg_temp.usr('coord-multi'), 'coordinator');
  perform tests.add_membership(v_south, pg_temp.usr('coord-multi'), 'coordinator');
  perform tests.add_membership(v_north, pg_temp.usr('coord-idle'), 'coordinator', false);
  perform tests.add_membership(v_west, pg_temp.usr('coord-west'), 'coordinator');
end;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Reads
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select id from public.users$$, '42501', null, 'anon cannot read profiles');

select pg_temp.sign_in('mentor-self');
select set_eq($$select id from public.users$$, array[pg_temp.usr('mentor-self')],
  'mentor self reads only its own profile (not its coordinators'', not mentor other''s)');

select pg_temp.sign_in('mentor-other');
select set_eq($$select id from public.users$$, array[pg_temp.usr('mentor-other')], 'mentor other reads only its own profile');

select pg_temp.sign_in('mentor-multi');
select set_eq($$select id from public.users$$, array[pg_temp.usr('mentor-multi')], 'a multi-chapter mentor reads only its own profile');

select pg_temp.sign_in('coord-north');
select set_eq($$select id from public.users$$,
  array[pg_temp.usr('coord-north'), pg_temp.usr('coord-multi'), pg_temp.usr('mentor-self'), pg_temp.usr('mentor-other')],
  'the same-chapter coordinator reads itself and the active members of north (not the former mentor nor the idle coordinator)');

select pg_temp.sign_in('coord-west');
select set_eq($$select id from public.users$$,
  array[pg_temp.usr('coord-west'), pg_temp.usr('mentor-multi'), pg_temp.usr('mentor-west')],
  'the other-chapter coordinator reads itself and the active members of west');

select pg_temp.sign_in('coord-multi');
select set_eq($$select id from public.users$$,
  array[pg_temp.usr('coord-multi'), pg_temp.usr('coord-north'), pg_temp.usr('mentor-self'), pg_temp.usr('mentor-other'),
        pg_temp.usr('mentor-south'), pg_temp.usr('mentor-multi')],
  'the multi-chapter coordinator reads itself and the active members of north and south');

select pg_temp.sign_in('coord-idle');
select set_eq($$select id from public.users$$, array[pg_temp.usr('coord-idle')],
  'the idle coordinator reads only its own profile');

select pg_temp.sign_in('outsider');
select set_eq($$select id from public.users$$, array[pg_temp.usr('outsider')], 'the outsider reads only its own profile');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.users where full_name like 'rls:%'$$,
  $$select pg_temp.usr(n) from unnest(array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west',
      'mentor-former', 'coord-north', 'coord-west', 'coord-multi', 'coord-idle', 'outsider']) n$$,
  'the service role reads every profile');

-- ---------------------------------------------------------------------------------------------------------
-- Updates: full_name of one's own profile only
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$update public.users set full_name = 'anon'$$, '42501', null, 'anon cannot update profiles');

select pg_temp.sign_in('mentor-self');
select results_eq(
  format($$update public.users set full_name = 'Mentor Self' where id = %L returning id, full_name$$, pg_temp.usr('mentor-self')),
  format($$values (%L::uuid, 'Mentor Self')$$, pg_temp.usr('mentor-self')),
  'mentor self renames itself');
select is_empty(
  format($$update public.users set full_name = 'hijacked' where id = %L returning id$$, pg_temp.usr('mentor-other')),
  'mentor self renaming mentor other updates no row');
select throws_ok(
  format($$update public.users set email = 'self@elsewhere.invalid' where id = %L$$, pg_temp.usr('mentor-self')),
  '42501', null, 'mentor self cannot change its email (column grant: full_name only)');
select throws_ok(
  format($$update public.users set id = %L where id = %L$$, pg_temp.usr('nobody'), pg_temp.usr('mentor-self')),
  '42501', null, 'mentor self cannot change its id');

select pg_temp.sign_in('coord-north');
select is_empty(
  format($$update public.users set full_name = 'renamed by coordinator' where id = %L returning id$$, pg_temp.usr('mentor-self')),
  'a coordinator renaming a mentor it can read updates no row');

select pg_temp.sign_in('coord-west');
select is_empty(
  format($$update public.users set full_name = 'renamed by stranger' where id = %L returning id$$, pg_temp.usr('mentor-self')),
  'a coordinator renaming a mentor outside its chapters updates no row');

-- An update with no WHERE (so no SELECT policy applies) reaches exactly the caller's own profile.
select pg_temp.sign_in('coord-multi');
update public.users set full_name = 'sweep by coord-multi';
select pg_temp.sign_in('outsider');
update public.users set full_name = 'sweep by outsider';

select tests.clear_authentication();
select set_eq($$select id, full_name from public.users where full_name not like 'rls:%' and id in (select pg_temp.usr(n)
      from unnest(array['mentor-self', 'mentor-other', 'coord-multi', 'outsider', 'mentor-south', 'coord-north']) n)$$,
  $$values (pg_temp.usr('mentor-self'), 'Mentor Self'), (pg_temp.usr('coord-multi'), 'sweep by coord-multi'),
           (pg_temp.usr('outsider'), 'sweep by outsider')$$,
  'as owner: only the callers'' own names changed');
select is((select email from public.users where id = pg_temp.usr('mentor-self')), 'rls:mentor-self@test.invalid',
  'as owner: mentor self''s email is unchanged');

select tests.authenticate_as_service_role();
select results_eq(
  format($$update public.users set email = 'new@test.invalid' where id = %L returning email$$, pg_temp.usr('mentor-west')),
  $$values ('new@test.invalid')$$,
  'the service role updates any profile column');

-- ---------------------------------------------------------------------------------------------------------
-- Insert and delete: service role only
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$delete from public.users$$, '42501', null, 'anon cannot delete profiles');

select pg_temp.sign_in('outsider');
select throws_ok(format($$insert into public.users (id, full_name) values (%L, 'twin')$$, pg_temp.usr('outsider')),
  '42501', null, 'the outsider cannot insert a profile');
select throws_ok(format($$delete from public.users where id = %L$$, pg_temp.usr('outsider')),
  '42501', null, 'the outsider cannot delete its own profile');

select pg_temp.sign_in('mentor-self');
select throws_ok(format($$delete from public.users where id = %L$$, pg_temp.usr('mentor-self')),
  '42501', null, 'mentor self cannot delete its own profile');

select pg_temp.sign_in('coord-north');
select throws_ok(format($$delete from public.users where id = %L$$, pg_temp.usr('mentor-other')),
  '42501', null, 'a coordinator cannot delete a member''s profile');
select throws_ok(format($$insert into public.users (id, full_name) values (%L, 'new member')$$, tests.uuid('rls:newcomer')),
  '42501', null, 'a coordinator cannot insert a profile');

select pg_temp.sign_in('coord-idle');
select throws_ok($$delete from public.users$$, '42501', null, 'the idle coordinator cannot delete profiles');

select tests.authenticate_as_service_role();
select results_eq(
  format($$delete from public.users where id = %L returning id$$, pg_temp.usr('outsider')),
  format($$values (%L::uuid)$$, pg_temp.usr('outsider')),
  'the service role deletes a profile');

select tests.clear_authentication();
select results_eq($$select count(*) from public.users where id in (select pg_temp.usr(n)
      from unnest(array['mentor-self', 'mentor-other', 'mentor-south', 'mentor-multi', 'mentor-west',
      'mentor-former', 'coord-north', 'coord-west', 'coord-multi', 'coord-idle']) n)$$,
  $$values (10::bigint)$$,
  'as owner: every other profile is still there');

select * from finish();
rollback;
