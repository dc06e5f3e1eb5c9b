-- chapters under RLS: a signed-in user reads the chapters it is an active member of, in either role; an ended
-- membership shows nothing; only the service role writes.
begin;
select plan(22);

-- The RLS fixture (tests.create_rls_fixture, in the setup file; rolled back with the test):
--
--   org one: north  mentors self, other (and former: membership inactive)
--                   coordinators coord-north, coord-multi (and coord-idle: membership inactive)
--            south  mentors south, multi          coordinator coord-multi
--   org two: west   mentors multi, west            coordinator coord-west
--   outsider: signed in, no memberships.
select tests.create_rls_fixture();

select tests.authenticate_as_anon();
select throws_ok($$select id from public.chapters$$, '42501', null, 'anon cannot read chapters');
select throws_ok(format($$insert into public.chapters (organization_id, name) values (%L, 'anon chapter')$$, tests.rls_org('one')),
  '42501', null, 'anon cannot insert a chapter');

select tests.rls_sign_in('mentor-self');
select set_eq($$select id from public.chapters$$, array[tests.rls_chapter('north')], 'mentor self reads its chapter north');

select tests.rls_sign_in('mentor-other');
select set_eq($$select id from public.chapters$$, array[tests.rls_chapter('north')], 'mentor other reads its chapter north');

select tests.rls_sign_in('mentor-multi');
select set_eq($$select id from public.chapters$$, array[tests.rls_chapter('south'), tests.rls_chapter('west')],
  'a multi-chapter mentor reads both its chapters');

select tests.rls_sign_in('mentor-former');
select is_empty($$select id from public.chapters$$, 'a mentor whose membership ended reads no chapter');

select tests.rls_sign_in('coord-north');
select set_eq($$select id from public.chapters$$, array[tests.rls_chapter('north')], 'the same-chapter coordinator reads north only');

select tests.rls_sign_in('coord-west');
select set_eq($$select id from public.chapters$$, array[tests.rls_chapter('west')], 'the other-chapter coordinator reads west only');

select tests.rls_sign_in('coord-multi');
select set_eq($$select id from public.chapters$$, array[tests.rls_chapter('north'), tests.rls_chapter('south')],
  'the multi-chapter coordinator reads north and south');

select tests.rls_sign_in('coord-idle');
select is_empty($$select id from public.chapters$$, 'the idle coordinator reads no chapter');

select tests.rls_sign_in('outsider');
select is_empty($$select id from public.chapters$$, 'the outsider reads no chapter');

select tests.authenticate_as_service_role();
select set_eq($$select id from public.chapters where name like 'rls %'$$,
  array[tests.rls_chapter('north'), tests.rls_chapter('south'), tests.rls_chapter('west')],
  'the service role reads every chapter');

-- Writes
select tests.rls_sign_in('mentor-self');
select throws_ok(format($$update public.chapters set name = 'renamed' where id = %L$$, tests.rls_chapter('north')),
  '42501', null, 'a mentor cannot rename its chapter');
select throws_ok(format($$delete from public.chapters where id = %L$$, tests.rls_chapter('north')),
  '42501', null, 'a mentor cannot delete its chapter');

select tests.rls_sign_in('coord-north');
select throws_ok(format($$insert into public.chapters (organization_id, name) values (%L, 'north annex')$$, tests.rls_org('one')),
  '42501', null, 'a coordinator cannot create a chapter');
select throws_ok(format($$update public.chapters set name = 'renamed' where id = %L$$, tests.rls_chapter('north')),
  '42501', null, 'a coordinator cannot rename its chapter');
select throws_ok(format($$delete from public.chapters where id = %L$$, tests.rls_chapter('north')),
  '42501', null, 'a coordinator cannot delete its chapter');

select tests.rls_sign_in('coord-multi');
select throws_ok(format($$update public.chapters set organization_id = %L where id = %L$$, tests.rls_org('two'), tests.rls_chapter('south')),
  '42501', null, 'the multi-chapter coordinator cannot move its chapter to another organisation');

select tests.rls_sign_in('outsider');
select throws_ok($$delete from public.chapters$$, '42501', null, 'the outsider cannot delete chapters');

select tests.authenticate_as_service_role();
select results_eq(
  format($$insert into public.chapters (id, organization_id, name) values (%L, %L, 'rls annex') returning id$$,
         tests.uuid('chapter:rls annex'), tests.rls_org('one')),
  format($$values (%L::uuid)$$, tests.uuid('chapter:rls annex')),
  'the service role creates a chapter');
select results_eq(
  format($$update public.chapters set name = 'rls annex two' where id = %L returning name$$, tests.uuid('chapter:rls annex')),
  $$values ('rls annex two')$$,
  'the service role renames a chapter');

select tests.clear_authentication();
select set_eq($$select id, name from public.chapters where organization_id in (tests.rls_org('one'), tests.rls_org('two'))$$,
  $$values (tests.rls_chapter('north'), 'rls north'), (tests.rls_chapter('south'), 'rls south'), (tests.rls_chapter('west'), 'rls west'),
           (tests.uuid('chapter:rls annex'), 'rls annex two')$$,
  'as owner: the fixture chapters are unchanged, the service role''s chapter is there');

select * from finish();
rollback;
