-- status_changed_at is the database's: a value written by hand (even by the owner or the service role, who
-- hold the column privilege) is ignored, on insert, on an update of that column alone, and alongside a
-- status change. (Signed-in users lack the privilege: rules/signed_in_users_cannot_change_certification_or_status_changed_at.)
begin;
select plan(5);

select tests.create_mentor(tests.create_user('hanna'));
select tests.create_user('hugo');

create temporary table observed (step integer primary key, status_changed_at timestamptz) on commit drop;
insert into observed select 0, status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('hanna'));

update public.peer_mentors set status_changed_at = '2000-01-01 00:00:00+00'
 where id = tests.uuid('mentor:' || tests.uuid('hanna'));

select is(
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('hanna'))),
  (select status_changed_at from observed where step = 0),
  'the owner updating status_changed_at alone leaves it unchanged'
);

select tests.authenticate_as_service_role();
update public.peer_mentors set status_changed_at = '2100-01-01 00:00:00+00', certification_expires_at = now() + interval '2 years'
 where id = tests.uuid('mentor:' || tests.uuid('hanna'));
select tests.clear_authentication();

select is(
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('hanna'))),
  (select status_changed_at from observed where step = 0),
  'the service role updating status_changed_at (with another column) leaves it unchanged'
);

update public.peer_mentors set status = 'paused', status_changed_at = '2000-01-01 00:00:00+00'
 where id = tests.uuid('mentor:' || tests.uuid('hanna'));

select cmp_ok(
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('hanna'))),
  '>',
  (select status_changed_at from observed where step = 0),
  'a status change that also sets status_changed_at gets the database''s time, not the one given'
);

select is(
  (select changed_at from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:' || tests.uuid('hanna')) and new_status = 'paused'),
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('hanna'))),
  'and the history row of that change agrees with it'
);

insert into public.peer_mentors (id, user_id, status_changed_at)
values (tests.uuid('mentor:hugo'), tests.uuid('hugo'), '2000-01-01 00:00:00+00');

select cmp_ok(
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:hugo')),
  '>=',
  now(),
  'an insert that gives status_changed_at gets the database''s time instead'
);

select * from finish();
rollback;
