-- run_certification_expiry_job(p_as_of) pauses every active mentor whose certification_expires_at <= p_as_of
-- (the boundary included) with status_reason 'certification_expired', and no one else: not active mentors
-- expiring later or never, not paused or inactive ones.
-- Dates are in 2000/2001 so that no other data in the database (e.g. a seed) can expire by p_as_of.
begin;
select plan(3);

select tests.create_mentor(tests.create_user('exp-expired'), 'active', '2000-06-01 00:00:00+00');
select tests.create_mentor(tests.create_user('exp-boundary'), 'active', '2001-01-01 00:00:00+00');
select tests.create_mentor(tests.create_user('exp-later'), 'active', '2001-01-01 00:00:00.000001+00');
select tests.create_mentor(tests.create_user('exp-never'), 'active', null);
-- The paused and inactive mentors carry their own reason from their first (insert) history row: a reason
-- changes only together with a status.
insert into public.peer_mentors (user_id, status, status_reason, certification_expires_at)
values (tests.create_user('exp-paused'), 'paused', 'own reason', '2000-06-01 00:00:00+00'),
       (tests.create_user('exp-inactive'), 'inactive', 'own reason', '2000-06-01 00:00:00+00');

select tests.authenticate_as_service_role();
select isnt(
  public.run_certification_expiry_job('2001-01-01 00:00:00+00'),
  null,
  'the service role runs the job and gets its job run id back'
);
select tests.clear_authentication();

select set_eq(
  $$ select u.full_name, pm.status, pm.status_reason
       from public.peer_mentors pm join public.users u on u.id = pm.user_id
      where u.full_name like 'exp-%' $$,
  $$ values ('exp-expired', 'paused'::public.mentor_status, 'certification_expired'::text),
            ('exp-boundary', 'paused', 'certification_expired'),
            ('exp-later', 'active', null),
            ('exp-never', 'active', null),
            ('exp-paused', 'paused', 'own reason'),
            ('exp-inactive', 'inactive', 'own reason') $$,
  'exactly the active mentors expired by p_as_of are paused for certification_expired; the rest are untouched'
);

select set_eq(
  $$ select u.full_name
       from public.peer_mentor_status_history h
       join public.peer_mentors pm on pm.id = h.mentor_id
       join public.users u on u.id = pm.user_id
      where u.full_name like 'exp-%' and h.previous_status is not null $$,
  $$ values ('exp-expired'), ('exp-boundary') $$,
  'history rows were written for the two paused mentors only'
);

select * from finish();
rollback;
