-- Per mentor, changed_at strictly increases from one change to the next, even when all of them happen in
-- one transaction (where now() would be the same for every one of them), and even when the clock is
-- behind the mentor's last change.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('tess'));

update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('tess'));
update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('tess'));
update public.peer_mentors set status = 'inactive' where id = tests.uuid('mentor:' || tests.uuid('tess'));
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('tess'));
update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('tess'));

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('tess'))),
  6,
  'fixture: six history rows (creation and five changes) in one transaction'
);

-- The rows were written one after another, so id order is the order of the changes.
select is_empty(
  $$ select id
       from (select id, changed_at, lag(changed_at) over (order by id) as previous_changed_at
               from public.peer_mentor_status_history
              where mentor_id = tests.uuid('mentor:' || tests.uuid('tess'))) h
      where changed_at <= previous_changed_at $$,
  'every change is strictly later than the one before it'
);

select is(
  (select count(distinct changed_at)::integer from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('tess'))),
  6,
  'no two changes of the mentor share a changed_at'
);

-- A clock that has stepped back: put the last change in the future, behind the trigger's back (the owner may
-- disable a trigger; the transaction is rolled back), then change the status again.
alter table public.peer_mentors disable trigger peer_mentors_status_rules_on_update;
update public.peer_mentors set status_changed_at = now() + interval '1 hour'
 where id = tests.uuid('mentor:' || tests.uuid('tess'));
alter table public.peer_mentors enable trigger peer_mentors_status_rules_on_update;
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('tess'));

select cmp_ok(
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('tess'))),
  '>',
  now() + interval '1 hour',
  'a change made while the clock is behind the last change is still later than it'
);

select * from finish();
rollback;
