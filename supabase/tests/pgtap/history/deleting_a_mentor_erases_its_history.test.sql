-- The one delete the history allows is mentor_id's ON DELETE CASCADE (GDPR erasure): deleting a mentor,
-- directly or by deleting its user, deletes its history and no one else's.
begin;
select plan(4);

select tests.create_mentor(tests.create_user('erin'));
select tests.create_mentor(tests.create_user('emil'));
select tests.create_mentor(tests.create_user('eske'));
update public.peer_mentors set status = 'paused' where user_id in (tests.uuid('erin'), tests.uuid('eske'));
-- emil pauses himself, so his user is both the mentor and the changed_by of a row (cascade and set null meet).
select tests.authenticate_as(tests.uuid('emil'));
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('emil');
select tests.clear_authentication();

select tests.authenticate_as_service_role();
delete from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('erin'));
select tests.clear_authentication();

select is_empty(
  $$ select 1 from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('erin')) $$,
  'deleting a mentor (service role) deletes its history'
);

delete from auth.users where id = tests.uuid('emil');

select is_empty(
  $$ select 1 from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('emil')) $$,
  'fixture: deleting the auth user deleted its profile and mentor'
);

select is_empty(
  $$ select 1 from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('emil')) $$,
  'deleting a mentor''s user deletes the mentor''s history'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('eske'))),
  2,
  'another mentor''s history is untouched'
);

select * from finish();
rollback;
