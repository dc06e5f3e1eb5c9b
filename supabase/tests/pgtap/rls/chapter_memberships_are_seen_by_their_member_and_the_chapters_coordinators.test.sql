-- chapter_memberships under RLS: everyone signed in reads its own memberships (inactive ones included); a
-- coordinator also reads every membership of the chapters it actively coordinates -- ended ones included, so it
-- can see who left (their profiles stay hidden: users shows a coordinator active members only); only the
-- service role writes.
begin;
select plan(26);

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
-- Reads: (chapter, user, role, is_active)
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok($$select user_id from public.chapter_memberships$$, '42501', null, 'anon cannot read memberships');

select pg_temp.sign_in('mentor-self');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (pg_temp.chapter('north'), pg_temp.usr('mentor-self'), 'peer_mentor', true)$$,
  'mentor self reads only its own membership (not mentor other''s, not its coordinators'')');

select pg_temp.sign_in('mentor-multi');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (pg_temp.chapter('south'), pg_temp.usr('mentor-multi'), 'peer_mentor', true),
           (pg_temp.chapter('west'), pg_temp.usr('mentor-multi'), 'peer_mentor', true)$$,
  'a multi-chapter mentor reads its own two memberships');

select pg_temp.sign_in('mentor-former');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (pg_temp.chapter('north'), pg_temp.usr('mentor-former'), 'peer_mentor', false)$$,
  'a mentor reads its own ended membership');

select pg_temp.sign_in('coord-north');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (pg_temp.chapter('north'), pg_temp.usr('mentor-self'),   'peer_mentor', true),
           (pg_temp.chapter('north'), pg_temp.usr('mentor-other'),  'peer_mentor', true),
           (pg_temp.chapter('north'), pg_temp.usr('mentor-former'), 'peer_mentor', false),
           (pg_temp.chapter('north'), pg_temp.usr('coord-north'),   'coordinator', true),
           (pg_temp.chapter('north'), pg_temp.usr('coord-multi'),   'coordinator', true),
           (pg_temp.chapter('north'), pg_temp.usr('coord-idle'),    'coordinator', false)$$,
  'the same-chapter coordinator reads every membership of north (ended ones included) and nothing of other chapters');

select pg_temp.sign_in('coord-west');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (pg_temp.chapter('west'), pg_temp.usr('mentor-multi'), 'peer_mentor', true),
           (pg_temp.chapter('west'), pg_temp.usr('mentor-west'),  'peer_mentor', true),
           (pg_temp.chapter('west'), pg_temp.usr('coord-west'),   'coordinator', true)$$,
  'the other-chapter coordinator reads the memberships of west only (not the multi-chapter mentor''s south one)');

select pg_temp.sign_in('coord-multi');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (pg_temp.chapter('north'), pg_temp.usr('mentor-self'),   'peer_mentor', true),
           (pg_temp.chapter('north'), pg_temp.usr('mentor-other'),  'peer_mentor', true),
           (pg_temp.chapter('north'), pg_temp.usr('mentor-former'), 'peer_mentor', false),
           (pg_temp.chapter('north'), pg_temp.usr('coord-north'),   'coordinator', true),
           (pg_temp.chapter('north'), pg_temp.usr('coord-multi'),   'coordinator', true),
           (pg_temp.chapter('north'), pg_temp.usr('coord-idle'),    'coordinator', false),
           (pg_temp.chapter('south'), pg_temp.usr('mentor-south'),  'peer_mentor', true),
           (pg_temp.chapter('south'), pg_temp.usr('mentor-multi'),  'peer_mentor', true),
           (pg_temp.chapter('south'), pg_temp.usr('coord-multi'),   'coordinator', true)$$,
  'the multi-chapter coordinator reads every membership of north and south');

select pg_temp.sign_in('coord-idle');
select set_eq($$select chapter_id, user_id, role::text, is_active from public.chapter_memberships$$,
  $$values (pg_temp.chapter('north'), pg_temp.usr('coord-idle'), 'coordinator', false)$$,
  'the idle coordinator reads only its own inactive membership, none of north''s members');

select pg_temp.sign_in('outsider');
select is_empty($$select user_id from public.chapter_memberships$$, 'the outsider reads no membership');

select tests.authenticate_as_service_role();
select results_eq(
  $$select count(*) from public.chapter_memberships where chapter_id in (select pg_temp.chapter(n) from unnest(array['north', 'south', 'west']) n)$$,
  $$values (12::bigint)$$,
  'the service role reads all 12 memberships');

-- ---------------------------------------------------------------------------------------------------------
-- Writes: nobody signed in, not even a coordinator of the chapter
-- ---------------------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'coordinator')$$,
                        pg_temp.chapter('north'), pg_temp.usr('outsider')),
  '42501', null, 'anon cannot insert a membership');
select throws_ok($$update public.chapter_memberships set is_active = false$$, '42501', null, 'anon cannot update memberships');
select throws_ok($$delete from public.chapter_memberships$$, '42501', null, 'anon cannot delete memberships');

select pg_temp.sign_in('outsider');
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'coordinator')$$,
                        pg_temp.chapter('north'), pg_temp.usr('outsider')),
  '42501', null, 'the outsider cannot make itself a coordinator');

select pg_temp.sign_in('coord-idle');
select throws_ok(format($$update public.chapter_memberships set is_active = true where user_id = %L$$, pg_temp.usr('coord-idle')),
  '42501', null, 'the idle coordinator cannot reactivate its own membership');

select pg_temp.sign_in('mentor-self');
select throws_ok(format($$update public.chapter_memberships set role = 'coordinator' where user_id = %L$$, pg_temp.usr('mentor-self')),
  '42501', null, 'mentor self cannot promote itself to coordinator');
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'peer_mentor')$$,
                        pg_temp.chapter('west'), pg_temp.usr('mentor-self')),
  '42501', null, 'mentor self cannot join another chapter');
select throws_ok(format($$delete from public.chapter_memberships where user_id = %L$$, pg_temp.usr('mentor-self')),
  '42501', null, 'mentor self cannot delete its membership');

select pg_temp.sign_in('coord-north');
select throws_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'peer_mentor')$$,
                        pg_temp.chapter('north'), pg_temp.usr('outsider')),
  '42501', null, 'a coordinator cannot add a member to its chapter');
select throws_ok(format($$update public.chapter_memberships set is_active = false where user_id = %L$$, pg_temp.usr('mentor-self')),
  '42501', null, 'a coordinator cannot end a membership in its chapter');
select throws_ok(format($$delete from public.chapter_memberships where user_id = %L$$, pg_temp.usr('mentor-other')),
  '42501', null, 'a coordinator cannot delete a membership in its chapter');

select pg_temp.sign_in('coord-multi');
select throws_ok(format($$update public.chapter_memberships set chapter_id = %L where user_id = %L$$,
                        pg_temp.chapter('south'), pg_temp.usr('mentor-self')),
  '42501', null, 'the multi-chapter coordinator cannot move a member between its chapters');

select tests.authenticate_as_service_role();
select lives_ok(format($$insert into public.chapter_memberships (chapter_id, user_id, role) values (%L, %L, 'peer_mentor')$$,
                       pg_temp.chapter('west'), pg_temp.usr('outsider')),
  'the service role adds a membership');
select results_eq(
  format($$update public.chapter_memberships set is_active = false where user_id = %L and chapter_id = %L returning is_active$$,
         pg_temp.usr('outsider'), pg_temp.chapter('west')),
  $$values (false)$$,
  'the service role ends a membership');
select results_eq(
  format($$delete from public.chapter_memberships where user_id = %L returning chapter_id$$, pg_temp.usr('outsider')),
  format($$values (%L::uuid)$$, pg_temp.chapter('west')),
  'the service role deletes a membership');

select tests.clear_authentication();
select set_eq(
  $$select user_id, role::text, is_active from public.chapter_memberships where chapter_id = pg_temp.chapter('north')$$,
  $$values (pg_temp.usr('mentor-self'), 'peer_mentor', true), (pg_temp.usr('mentor-other'), 'peer_mentor', true),
           (pg_temp.usr('mentor-former'), 'peer_mentor', false), (pg_temp.usr('coord-north'), 'coordinator', true),
           (pg_temp.usr('coord-multi'), 'coordinator', true), (pg_temp.usr('coord-idle'), 'coordinator', false)$$,
  'as owner: north''s memberships are unchanged');

select * from finish();
rollback;
