-- A coordinator whose coordinator membership in the mentor's chapter is inactive has no hold on the mentor:
-- the mentor is invisible to it, so its updates (setting or lifting inactive, or pausing) match no row
-- (0 rows, no error) and change nothing. Its active membership in another chapter of the same organisation
-- does not help either: the chapter has another, active coordinator (Lars), so there is no organisation
-- fallback. (Without Lars, Lena would be responsible through the fallback: see responsibility/.)
begin;
select plan(6);

select tests.create_organization('Lapsed Org');
select tests.create_chapter(tests.uuid('org:Lapsed Org'), 'Lapsed Here');
select tests.create_chapter(tests.uuid('org:Lapsed Org'), 'Lapsed There');
select tests.create_user('lena');  -- coordinator: inactive in Here, active in There
select tests.create_user('leo');   -- mentor in Here, active
select tests.create_user('liv');   -- mentor in Here, inactive
select tests.create_user('lars');  -- coordinator: active in Here
select tests.add_membership(tests.uuid('chapter:Lapsed Here'), tests.uuid('lena'), 'coordinator', false);
select tests.add_membership(tests.uuid('chapter:Lapsed There'), tests.uuid('lena'), 'coordinator', true);
select tests.add_membership(tests.uuid('chapter:Lapsed Here'), tests.uuid('lars'), 'coordinator', true);
select tests.add_membership(tests.uuid('chapter:Lapsed Here'), tests.uuid('leo'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Lapsed Here'), tests.uuid('liv'), 'peer_mentor');
select tests.create_mentor(tests.uuid('leo'));
select tests.create_mentor(tests.uuid('liv'), 'inactive');

select tests.authenticate_as(tests.uuid('lena'));
select is_empty(
  $$ select 1 from public.peer_mentors
      where id in (tests.uuid('mentor:' || tests.uuid('leo')), tests.uuid('mentor:' || tests.uuid('liv'))) $$,
  'the mentors of the chapter are invisible to the lapsed coordinator'
);
select is_empty(
  $$ update public.peer_mentors set status = 'inactive'
      where id = tests.uuid('mentor:' || tests.uuid('leo')) returning id $$,
  'setting a mentor inactive updates no row'
);
select is_empty(
  $$ update public.peer_mentors set status = 'active'
      where id = tests.uuid('mentor:' || tests.uuid('liv')) returning id $$,
  'lifting a mentor''s inactive status updates no row'
);
select is_empty(
  $$ update public.peer_mentors set status = 'paused'
      where id = tests.uuid('mentor:' || tests.uuid('leo')) returning id $$,
  'pausing a mentor updates no row'
);
select tests.clear_authentication();

select set_eq(
  $$ select id, status from public.peer_mentors
      where id in (tests.uuid('mentor:' || tests.uuid('leo')), tests.uuid('mentor:' || tests.uuid('liv'))) $$,
  $$ values (tests.uuid('mentor:' || tests.uuid('leo')), 'active'::public.mentor_status),
            (tests.uuid('mentor:' || tests.uuid('liv')), 'inactive'::public.mentor_status) $$,
  'both mentors keep their status'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id in (tests.uuid('mentor:' || tests.uuid('leo')), tests.uuid('mentor:' || tests.uuid('liv')))),
  2,
  'no history row was written'
);

select * from finish();
rollback;
