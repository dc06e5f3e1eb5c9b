-- Inserting a peer_mentors row writes one history row: previous_status null, new_status = its status,
-- reason = its status_reason, changed_at = its status_changed_at. A multi-row insert writes one row each.
begin;
select plan(6);

select tests.create_user('ines');
select tests.create_user('igor');
select tests.create_user('iris');

select tests.authenticate_as_service_role();
insert into public.peer_mentors (id, user_id, status, status_reason)
values (tests.uuid('mentor:ines'), tests.uuid('ines'), 'paused', 'starts after the summer');
select tests.clear_authentication();

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:ines')),
  1,
  'inserting a mentor writes exactly one history row'
);

select results_eq(
  $$ select previous_status, new_status, reason
       from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:ines') $$,
  $$ values (null::public.mentor_status, 'paused'::public.mentor_status, 'starts after the summer'::text) $$,
  'the first row has no previous status, the inserted status as new status and the status_reason as reason'
);

select isnt(
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:ines')),
  null,
  'the database sets status_changed_at on insert'
);

select is(
  (select changed_at from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:ines')),
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:ines')),
  'the first row''s changed_at is the mentor''s status_changed_at'
);

-- One statement, two mentors; the second takes the column default (active).
insert into public.peer_mentors (id, user_id, status)
values (tests.uuid('mentor:igor'), tests.uuid('igor'), 'inactive'),
       (tests.uuid('mentor:iris'), tests.uuid('iris'), default);

select set_eq(
  $$ select mentor_id, previous_status, new_status
       from public.peer_mentor_status_history
      where mentor_id in (tests.uuid('mentor:igor'), tests.uuid('mentor:iris')) $$,
  $$ values (tests.uuid('mentor:igor'), null::public.mentor_status, 'inactive'::public.mentor_status),
            (tests.uuid('mentor:iris'), null::public.mentor_status, 'active'::public.mentor_status) $$,
  'a multi-row insert writes one first row per mentor, with the status each was inserted with'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history
    where mentor_id in (tests.uuid('mentor:igor'), tests.uuid('mentor:iris'))),
  2,
  'and no more than one row per inserted mentor'
);

select * from finish();
rollback;
