-- The history triggers are statement-level over transition tables, so the statements that both insert and
-- update must still write one first row per inserted mentor and one row per real status change:
-- INSERT ... ON CONFLICT DO UPDATE and MERGE (used by imports and admin tools through the service role).
begin;
select plan(3);

select tests.create_mentor(tests.create_user('ursula'));
select tests.create_mentor(tests.create_user('ulrik'), 'paused');
select tests.create_user('uwe');

select tests.authenticate_as_service_role();
insert into public.peer_mentors (id, user_id, status)
values (tests.uuid('mentor:' || tests.uuid('ursula')), tests.uuid('ursula'), 'paused'),   -- exists: a change
       (tests.uuid('mentor:' || tests.uuid('ulrik')), tests.uuid('ulrik'), 'paused'),     -- exists: no change
       (tests.uuid('mentor:uwe'), tests.uuid('uwe'), 'inactive')                          -- new
on conflict (id) do update set status = excluded.status;
select tests.clear_authentication();

select set_eq(
  $$ select u.full_name, h.previous_status, h.new_status
       from public.peer_mentor_status_history h
       join public.peer_mentors pm on pm.id = h.mentor_id
       join public.users u on u.id = pm.user_id
      where u.full_name in ('ursula', 'ulrik', 'uwe') $$,
  $$ values ('ursula', null::public.mentor_status, 'active'::public.mentor_status),
            ('ursula', 'active', 'paused'),
            ('ulrik', null, 'paused'),
            ('uwe', null, 'inactive') $$,
  'an upsert writes a first row for the inserted mentor, a change row for the changed one, nothing for the unchanged one'
);

merge into public.peer_mentors pm
using (values (tests.uuid('mentor:uwe'), 'active'::public.mentor_status),
              (tests.uuid('mentor:' || tests.uuid('ulrik')), 'paused'::public.mentor_status)) as v (id, status)
   on pm.id = v.id
 when matched then update set status = v.status;

select set_eq(
  $$ select u.full_name, h.previous_status, h.new_status
       from public.peer_mentor_status_history h
       join public.peer_mentors pm on pm.id = h.mentor_id
       join public.users u on u.id = pm.user_id
      where u.full_name in ('ulrik', 'uwe') and h.previous_status is not null $$,
  $$ values ('uwe', 'inactive'::public.mentor_status, 'active'::public.mentor_status) $$,
  'a MERGE writes one change row for the mentor it changed and none for the one it left as it was'
);

select is(
  (select changed_at from public.peer_mentor_status_history
    where mentor_id = tests.uuid('mentor:uwe') and previous_status = 'inactive'),
  (select status_changed_at from public.peer_mentors where id = tests.uuid('mentor:uwe')),
  'the MERGE''s change row carries the mentor''s new status_changed_at'
);

select * from finish();
rollback;
