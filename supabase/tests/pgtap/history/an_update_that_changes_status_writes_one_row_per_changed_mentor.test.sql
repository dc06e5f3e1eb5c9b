-- An UPDATE that changes status writes exactly one history row per mentor whose status changed, and none
-- for the mentors the same statement touched without changing their status.
begin;
select plan(5);

select tests.create_mentor(tests.create_user('uma'));
select tests.create_mentor(tests.create_user('ulf'));
select tests.create_mentor(tests.create_user('una'), 'paused');

update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('uma'));

select results_eq(
  $$ select previous_status, new_status
       from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('uma'))
      order by changed_at, id $$,
  $$ values (null::public.mentor_status, 'active'::public.mentor_status),
            ('active'::public.mentor_status, 'paused'::public.mentor_status) $$,
  'a one-mentor status change writes exactly one row, from the old status to the new one'
);

-- One statement over three mentors: ulf changes (active -> paused), una is already paused, uma goes back.
update public.peer_mentors
   set status = case when id = tests.uuid('mentor:' || tests.uuid('uma')) then 'active' else 'paused' end::public.mentor_status
 where id in (tests.uuid('mentor:' || tests.uuid('uma')),
              tests.uuid('mentor:' || tests.uuid('ulf')),
              tests.uuid('mentor:' || tests.uuid('una')));

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('ulf'))),
  2,
  'a mentor whose status the statement changed gets one new row'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('uma'))),
  3,
  'a mentor changed by a second statement gets a second new row'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('una'))),
  1,
  'a mentor the statement set to the status it already had gets no row'
);

select set_eq(
  $$ select mentor_id, previous_status, new_status
       from public.peer_mentor_status_history
      where previous_status is not null
        and mentor_id in (tests.uuid('mentor:' || tests.uuid('uma')),
                          tests.uuid('mentor:' || tests.uuid('ulf')),
                          tests.uuid('mentor:' || tests.uuid('una'))) $$,
  $$ values (tests.uuid('mentor:' || tests.uuid('uma')), 'active'::public.mentor_status, 'paused'::public.mentor_status),
            (tests.uuid('mentor:' || tests.uuid('uma')), 'paused'::public.mentor_status, 'active'::public.mentor_status),
            (tests.uuid('mentor:' || tests.uuid('ulf')), 'active'::public.mentor_status, 'paused'::public.mentor_status) $$,
  'the change rows are exactly the three real changes, each from its old to its new status'
);

select * from finish();
rollback;
