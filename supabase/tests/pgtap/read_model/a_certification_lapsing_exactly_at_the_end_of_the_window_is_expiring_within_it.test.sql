-- mentors_expiring_within(p_days): "after now and within p_days days", upper bound included. A certification
-- that lapses exactly at now + p_days is listed; one a microsecond later is not; one lapsing exactly now is not
-- (it has lapsed). Kills the mutant `<` for `<=` at the upper bound (issue 18's mutation pass).
begin;
select plan(3);

do $$
declare
  v_chapter uuid := tests.create_chapter(tests.create_organization('window org'), 'window chapter');
begin
  perform tests.add_membership(v_chapter, tests.create_user('window cora'), 'coordinator');
  perform tests.add_membership(v_chapter, tests.create_user('window edge'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('window edge'), 'active', now() + interval '30 days');
  perform tests.add_membership(v_chapter, tests.create_user('window after'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('window after'), 'active', now() + interval '30 days' + interval '1 microsecond');
  perform tests.add_membership(v_chapter, tests.create_user('window now'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('window now'), 'active', now() + interval '1 day');
end;
$$;
-- (now() is the transaction's start: the same instant for the fixture and the function.)

select tests.authenticate_as(tests.uuid('window cora'));
select ok(
  tests.uuid('mentor:' || tests.uuid('window edge')) in (select mentor_id from public.mentors_expiring_within(30)),
  'a certification lapsing exactly at now + 30 days is expiring within 30 days');
select ok(
  tests.uuid('mentor:' || tests.uuid('window after')) not in (select mentor_id from public.mentors_expiring_within(30)),
  'one lapsing a microsecond later is not');
select results_eq(
  $$ select count(*) from public.mentors_expiring_within(30) $$,
  $$ values (2::bigint) $$,
  'the window holds exactly the edge and the one lapsing tomorrow');

select * from finish();
rollback;
