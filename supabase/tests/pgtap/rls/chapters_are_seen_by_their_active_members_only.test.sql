-- chapters under RLS: a signed-in user reads the chapters it is an active member of, in either role; an ended
-- membership shows nothing; only the service role writes.
begin;
select plan(22);

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
select throws_ok($$select id from public.chapters$$, '42501', null, 'anon cannot read chapters');
select throws_ok(format($$insert into public.chapters (organization_id, name) values (%L, 'anon chapter')$$, pg_temp.org('one')),
  '42501', null, 'anon cannot insert a chapter');

select pg_temp.sign_in('mentor-self');
select set_eq($$select id from public.chapters$$, array[pg_temp.chapter('north')], 'mentor self reads its chapter north');

select pg_temp.sign_in('mentor-other');
select set_eq($$select id from public.chapters$$, array[pg_temp.chapter('north')], 'mentor other reads its chapter north');

select pg_temp.sign_in('mentor-multi');
select set_eq($$select id from public.chapters$$, array[pg_temp.chapter('south'), pg_temp.chapter('west')],
  'a multi-chapter mentor reads both its chapters');

select pg_temp.sign_in('mentor-former');
select is_empty($$select id from public.chapters$$, 'a mentor whose membership ended reads no chapter');

select pg_temp.sign_in('coord-north');
select set_eq($$select id from public.chapters$$, array[pg_temp.chapter('north')], 'the same-chapter coordinator reads north only');

select pg_temp.sign_in('coord-west');
select set_eq($$select id from public.chapters$$, array[pg_temp.chapter('west')], 'the other-chapter coordinator reads west only');

select pg_temp.sign_in('coord-multi');
select set_eq($$select id from public.chapters$$, array[pg_temp.chapter('north'), pg_temp.chapter('south')],
  'the multi-chapter coordinator reads north and south');

select pg_temp.sign_in('coord-idle');
select is_empty($$select id from public.chapters$$, 'the idle coordinator reads no chapter');

select pg_temp.sign_in('outsider');
select is_empty($$select id from public.chapters$$, 'the outsider reads no chapter');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.chapters where name like 'rls %'$$,
  array[pg_temp.chapter('north'), pg_temp.chapter('south'), pg_temp.chapter('west')],
  'the service role reads every chapter');

-- Writes
select pg_temp.sign_in('mentor-self');
select throws_ok(format($$update public.chapters set name = 'renamed' where id = %L$$, pg_temp.chapter('north')),
  '42501', null, 'a mentor cannot rename its chapter');
select throws_ok(format($$delete from public.chapters where id = %L$$, pg_temp.chapter('north')),
  '42501', null, 'a mentor cannot delete its chapter');

select pg_temp.sign_in('coord-north');
select throws_ok(format($$insert into public.chapters (organization_id, name) values (%L, 'north annex')$$, pg_temp.org('one')),
  '42501', null, 'a coordinator cannot create a chapter');
select throws_ok(format($$update public.chapters set name = 'renamed' where id = %L$$, pg_temp.chapter('north')),
  '42501', null, 'a coordinator cannot rename its chapter');
select throws_ok(format($$delete from public.chapters where id = %L$$, pg_temp.chapter('north')),
  '42501', null, 'a coordinator cannot delete its chapter');

select pg_temp.sign_in('coord-multi');
select throws_ok(format($$update public.chapters set organization_id = %L where id = %L$$, pg_temp.org('two'), pg_temp.chapter('south')),
  '42501', null, 'the multi-chapter coordinator cannot move its chapter to another organisation');

select pg_temp.sign_in('outsider');
select throws_ok($$delete from public.chapters$$, '42501', null, 'the outsider cannot delete chapters');

select tests.authenticate_as_service_role();
select results_eq(
  format($$insert into public.chapters (id, organization_id, name) values (%L, %L, 'rls annex') returning id$$,
         tests.uuid('chapter:rls annex'), pg_temp.org('one')),
  format($$values (%L::uuid)$$, tests.uuid('chapter:rls annex')),
  'the service role creates a chapter');
select results_eq(
  format($$update public.chapters set name = 'rls annex two' where id = %L returning name$$, tests.uuid('chapter:rls annex')),
  $$values ('rls annex two')$$,
  'the service role renames a chapter');

select tests.clear_authentication();
select set_eq($$select id, name from public.chapters where organization_id in (pg_temp.org('one'), pg_temp.org('two'))$$,
  $$values (pg_temp.chapter('north'), 'rls north'), (pg_temp.chapter('south'), 'rls south'), (pg_temp.chapter('west'), 'rls west'),
           (tests.uuid('chapter:rls annex'), 'rls annex two')$$,
  'as owner: the fixture chapters are unchanged, the service role''s chapter is there');

select * from finish();
rollback;
