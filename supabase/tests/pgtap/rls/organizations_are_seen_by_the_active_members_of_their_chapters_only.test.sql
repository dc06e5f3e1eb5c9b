-- organizations under RLS: a signed-in user reads the organisations running a chapter it is an active member
-- of, in either role; an ended membership shows nothing; only the service role writes.
begin;
select plan(20);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

select tests.authenticate_as_anon();
select throws_ok($$select id from public.organizations$$, '42501', null, 'anon cannot read organisations');
select throws_ok($$insert into public.organizations (name) values ('anon org')$$, '42501', null, 'anon cannot insert an organisation');

select tests.rls_sign_in('mentor-self');
select set_eq($$select id from public.organizations$$, array[tests.rls_org('one')], 'mentor self reads organisation one (north)');

select tests.rls_sign_in('mentor-multi');
select set_eq($$select id from public.organizations$$, array[tests.rls_org('one'), tests.rls_org('two')],
  'a multi-chapter mentor reads the organisations of both its chapters');

select tests.rls_sign_in('mentor-west');
select set_eq($$select id from public.organizations$$, array[tests.rls_org('two')], 'mentor west reads organisation two only');

select tests.rls_sign_in('mentor-former');
select is_empty($$select id from public.organizations$$, 'a mentor whose membership ended reads no organisation');

select tests.rls_sign_in('coord-north');
select set_eq($$select id from public.organizations$$, array[tests.rls_org('one')], 'the same-chapter coordinator reads organisation one');

select tests.rls_sign_in('coord-west');
select set_eq($$select id from public.organizations$$, array[tests.rls_org('two')], 'the other-chapter coordinator reads organisation two only');

select tests.rls_sign_in('coord-multi');
select set_eq($$select id from public.organizations$$, array[tests.rls_org('one')],
  'the multi-chapter coordinator (two chapters of one organisation) reads organisation one once');

select tests.rls_sign_in('coord-idle');
select is_empty($$select id from public.organizations$$, 'the idle coordinator reads no organisation');

select tests.rls_sign_in('outsider');
select is_empty($$select id from public.organizations$$, 'the outsider reads no organisation');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.organizations where name like 'rls %'$$, array[tests.rls_org('one'), tests.rls_org('two')],
  'the service role reads every organisation');

-- Writes
select tests.rls_sign_in('mentor-self');
select throws_ok(format($$update public.organizations set name = 'renamed' where id = %L$$, tests.rls_org('one')),
  '42501', null, 'a mentor cannot rename its organisation');

select tests.rls_sign_in('coord-north');
select throws_ok($$insert into public.organizations (name) values ('coordinator org')$$, '42501', null,
  'a coordinator cannot create an organisation');
select throws_ok(format($$update public.organizations set name = 'renamed' where id = %L$$, tests.rls_org('one')),
  '42501', null, 'a coordinator cannot rename its organisation');
select throws_ok(format($$delete from public.organizations where id = %L$$, tests.rls_org('one')),
  '42501', null, 'a coordinator cannot delete its organisation');

select tests.rls_sign_in('outsider');
select throws_ok($$delete from public.organizations$$, '42501', null, 'the outsider cannot delete organisations');

select tests.authenticate_as_service_role();
select results_eq(
  format($$update public.organizations set name = 'rls two renamed' where id = %L returning name$$, tests.rls_org('two')),
  $$values ('rls two renamed')$$,
  'the service role renames an organisation');
select results_eq(
  format($$insert into public.organizations (id, name) values (%L, 'rls three') returning id$$, tests.uuid('org:rls three')),
  format($$values (%L::uuid)$$, tests.uuid('org:rls three')),
  'the service role creates an organisation');

select tests.clear_authentication();
select set_eq($$select id, name from public.organizations where name like 'rls %'$$,
  $$values (tests.rls_org('one'), 'rls one'), (tests.rls_org('two'), 'rls two renamed'), (tests.uuid('org:rls three'), 'rls three')$$,
  'as owner: only the service role''s changes went through');

select * from finish();
rollback;
