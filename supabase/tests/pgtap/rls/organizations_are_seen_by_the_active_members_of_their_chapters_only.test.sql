-- organizations under RLS: a signed-in user reads the organisations running a chapter it is an active member
-- of, in either role; an ended membership shows nothing; only the service role writes.
begin;
select plan(20);

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

select tests.authenticate_as_anon();
select throws_ok($$select id from public.organizations$$, '42501', null, 'anon cannot read organisations');
select throws_ok($$insert into public.organizations (name) values ('anon org')$$, '42501', null, 'anon cannot insert an organisation');

select pg_temp.sign_in('mentor-self');
select set_eq($$select id from public.organizations$$, array[pg_temp.org('one')], 'mentor self reads organisation one (north)');

select pg_temp.sign_in('mentor-multi');
select set_eq($$select id from public.organizations$$, array[pg_temp.org('one'), pg_temp.org('two')],
  'a multi-chapter mentor reads the organisations of both its chapters');

select pg_temp.sign_in('mentor-west');
select set_eq($$select id from public.organizations$$, array[pg_temp.org('two')], 'mentor west reads organisation two only');

select pg_temp.sign_in('mentor-former');
select is_empty($$select id from public.organizations$$, 'a mentor whose membership ended reads no organisation');

select pg_temp.sign_in('coord-north');
select set_eq($$select id from public.organizations$$, array[pg_temp.org('one')], 'the same-chapter coordinator reads organisation one');

select pg_temp.sign_in('coord-west');
select set_eq($$select id from public.organizations$$, array[pg_temp.org('two')], 'the other-chapter coordinator reads organisation two only');

select pg_temp.sign_in('coord-multi');
select set_eq($$select id from public.organizations$$, array[pg_temp.org('one')],
  'the multi-chapter coordinator (two chapters of one organisation) reads organisation one once');

select pg_temp.sign_in('coord-idle');
select is_empty($$select id from public.organizations$$, 'the idle coordinator reads no organisation');

select pg_temp.sign_in('outsider');
select is_empty($$select id from public.organizations$$, 'the outsider reads no organisation');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.organizations where name like 'rls %'$$, array[pg_temp.org('one'), pg_temp.org('two')],
  'the service role reads every organisation');

-- Writes
select pg_temp.sign_in('mentor-self');
select throws_ok(format($$update public.organizations set name = 'renamed' where id = %L$$, pg_temp.org('one')),
  '42501', null, 'a mentor cannot rename its organisation');

select pg_temp.sign_in('coord-north');
select throws_ok($$insert into public.organizations (name) values ('coordinator org')$$, '42501', null,
  'a coordinator cannot create an organisation');
select throws_ok(format($$update public.organizations set name = 'renamed' where id = %L$$, pg_temp.org('one')),
  '42501', null, 'a coordinator cannot rename its organisation');
select throws_ok(format($$delete from public.organizations where id = %L$$, pg_temp.org('one')),
  '42501', null, 'a coordinator cannot delete its organisation');

select pg_temp.sign_in('outsider');
select throws_ok($$delete from public.organizations$$, '42501', null, 'the outsider cannot delete organisations');

select tests.authenticate_as_service_role();
select results_eq(
  format($$update public.organizations set name = 'rls two renamed' where id = %L returning name$$, pg_temp.org('two')),
  $$values ('rls two renamed')$$,
  'the service role renames an organisation');
select results_eq(
  format($$insert into public.organizations (id, name) values (%L, 'rls three') returning id$$, tests.uuid('org:rls three')),
  format($$values (%L::uuid)$$, tests.uuid('org:rls three')),
  'the service role creates an organisation');

select tests.clear_authentication();
select set_eq($$select id, name from public.organizations where name like 'rls %'$$,
  $$values (pg_temp.org('one'), 'rls one'), (pg_temp.org('two'), 'rls two renamed'), (tests.uuid('org:rls three'), 'rls three')$$,
  'as owner: only the service role''s changes went through');

select * from finish();
rollback;
