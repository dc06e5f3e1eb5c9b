-- The database sets status_changed_at on every status change, whoever makes it, to the changed_at of the
-- history row it writes; an update that does not change status leaves it alone.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('stella'));

create temporary table observed (step integer primary key, status_changed_at timestamptz) on commit drop;
insert into observed select 0, status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('stella'));

-- 1: the owner
update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('stella'));
insert into observed select 1, status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('stella'));

-- 2: the mentor herself
select tests.authenticate_as(tests.uuid('stella'));
update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('stella'));
select tests.clear_authentication();
insert into observed select 2, status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('stella'));

-- 3: the service role
select tests.authenticate_as_service_role();
update public.peer_mentors set status = 'inactive' where id = tests.uuid('mentor:' || tests.uuid('stella'));
select tests.clear_authentication();
insert into observed select 3, status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('stella'));

-- 4: not a status change
update public.peer_mentors set status = status, certification_expires_at = now() + interval '2 years' where id = tests.uuid('mentor:' || tests.uuid('stella'));
insert into observed select 4, status_changed_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('stella'));

select is_empty(
  $$ select step from observed where status_changed_at is null $$,
  'status_changed_at is set from the mentor''s creation on'
);

select is_empty(
  $$ select o.step
       from observed o
       join observed before on before.step = o.step - 1
      where o.step between 1 and 3
        and o.status_changed_at <= before.status_changed_at $$,
  'each status change (by the owner, the mentor, the service role) moves status_changed_at forward'
);

select is(
  (select status_changed_at from observed where step = 4),
  (select status_changed_at from observed where step = 3),
  'an update that does not change status leaves status_changed_at as it was'
);

select results_eq(
  $$ select status_changed_at from observed where step <= 3 order by step $$,
  $$ select changed_at from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('stella')) order by changed_at, id $$,
  'status_changed_at after each change is the changed_at of that change''s history row'
);

select * from finish();
rollback;
