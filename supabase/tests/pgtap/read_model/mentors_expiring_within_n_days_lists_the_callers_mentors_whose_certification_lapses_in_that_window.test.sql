-- public.mentors_expiring_within(p_days): the caller's board rows whose certification lapses after now and
-- within p_days days, soonest first; bound by RLS like the board; p_days out of range is PM502.
begin;
select plan(7);

--   org one: north  mentors self, other        coordinators coord-north, coord-multi
--            south  mentors south, multi       coordinator coord-multi
--   org two: west   mentors multi, west        coordinator coord-west
select tests.create_rls_fixture();
update public.peer_mentors set certification_expires_at = case id
    when tests.rls_mentor('mentor-self') then now() + interval '3 days'
    when tests.rls_mentor('mentor-other') then now() + interval '40 days'
    when tests.rls_mentor('mentor-south') then now() + interval '1 day'
    when tests.rls_mentor('mentor-multi') then now() - interval '1 day'
    when tests.rls_mentor('mentor-west') then now() + interval '2 days'
    else certification_expires_at end;

select tests.rls_sign_in('coord-multi');
select results_eq($$select mentor_id from public.mentors_expiring_within(30)$$,
  $$values (tests.rls_mentor('mentor-south')), (tests.rls_mentor('mentor-self'))$$,
  'within 30 days, soonest first: not the one in 40 days, not the lapsed one, not west (another coordinator''s)');
select results_eq($$select mentor_id from public.mentors_expiring_within(2)$$, $$values (tests.rls_mentor('mentor-south'))$$,
  'within 2 days: only the one lapsing tomorrow');
select is_empty($$select mentor_id from public.mentors_expiring_within(0)$$, 'within 0 days: nobody');

select tests.rls_sign_in('mentor-self');
select is_empty($$select mentor_id from public.mentors_expiring_within(30)$$, 'a mentor is nobody''s coordinator: nothing');

select tests.rls_sign_in('coord-multi');
select throws_ok($$select * from public.mentors_expiring_within(-1)$$, 'PM502', null, 'a negative number of days is PM502');
select throws_ok($$select * from public.mentors_expiring_within(null)$$, 'PM502', null, 'a null number of days is PM502');

select tests.authenticate_as_anon();
select throws_ok($$select * from public.mentors_expiring_within(30)$$, '42501', null, 'anon may not call it');

select * from finish();
rollback;
