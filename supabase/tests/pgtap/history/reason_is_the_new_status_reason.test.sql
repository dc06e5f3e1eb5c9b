-- A history row's reason is the mentor's status_reason after the change: the one set with the change, or
-- the one the row already had when the update does not touch it.
begin;
select plan(3);

-- Rosa starts active with a reason of her own (set on insert: a reason changes only together with a status).
insert into public.peer_mentors (id, user_id, status, status_reason)
values (tests.uuid('mentor:' || tests.create_user('rosa')), tests.uuid('rosa'), 'active', 'before the change');
update public.peer_mentors set status = 'paused', status_reason = 'exam season'
 where id = tests.uuid('mentor:' || tests.uuid('rosa'));

select is(
  (select reason from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('rosa')) and new_status = 'paused'),
  'exam season',
  'the reason is the status_reason set in the same update, not the one before it'
);

select tests.authenticate_as(tests.uuid('rosa'));
update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('rosa'));
select tests.clear_authentication();

select is(
  (select reason from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('rosa')) and previous_status = 'paused'),
  'exam season',
  'an update that changes status but not status_reason records the reason the row keeps'
);

update public.peer_mentors set status = 'paused', status_reason = null
 where id = tests.uuid('mentor:' || tests.uuid('rosa'));

select is(
  (select reason from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('rosa'))
    order by changed_at desc, id desc limit 1),
  null,
  'clearing status_reason with the change records no reason'
);

select * from finish();
rollback;
