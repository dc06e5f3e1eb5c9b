-- The coordinators told about a mentor through the organisation fallback can also see and act on it
-- (contract, "Who may do what"): one relation behind RLS, the inactive rule and the outbox.
--   org Fallback: Quiet (no coordinator) with mentor Tove; Busy with coordinator Frida and mentor Bo.
--   Frida is responsible for Tove (fallback) and Bo (chapter).
begin;
select plan(9);

select tests.create_organization('Fallback');
select tests.create_chapter(tests.uuid('org:Fallback'), 'Fallback Quiet');
select tests.create_chapter(tests.uuid('org:Fallback'), 'Fallback Busy');
select tests.create_user('frida');
select tests.create_user('tove');
select tests.create_user('bo');
select tests.add_membership(tests.uuid('chapter:Fallback Busy'), tests.uuid('frida'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Fallback Quiet'), tests.uuid('tove'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Fallback Busy'), tests.uuid('bo'), 'peer_mentor');
select tests.create_mentor(tests.uuid('tove'));
select tests.create_mentor(tests.uuid('bo'));

select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('tove'))) $$,
  array[tests.uuid('frida')],
  'Frida is told about Tove through the organisation fallback'
);

select tests.authenticate_as(tests.uuid('frida'));
select set_eq(
  $$ select id from public.peer_mentors $$,
  array[tests.uuid('mentor:' || tests.uuid('tove')), tests.uuid('mentor:' || tests.uuid('bo'))],
  'Frida sees both mentors she is responsible for: Tove (fallback) and Bo (her chapter)'
);
select set_eq(
  $$ select distinct mentor_id from public.peer_mentor_status_history $$,
  array[tests.uuid('mentor:' || tests.uuid('tove')), tests.uuid('mentor:' || tests.uuid('bo'))],
  'Frida reads the history of both'
);
select results_eq(
  $$ select full_name from public.users where id = tests.uuid('tove') $$,
  array['tove'],
  'Frida reads Tove''s profile (her name, for the board)'
);
select results_eq(
  $$ update public.peer_mentors set status = 'inactive', status_reason = 'Left for the summer'
      where id = tests.uuid('mentor:' || tests.uuid('tove')) returning status $$,
  array['inactive'::public.mentor_status],
  'Frida may set Tove inactive (the inactive rule reads the same relation)'
);
select results_eq(
  $$ update public.peer_mentors set status = 'active', status_reason = 'Back'
      where id = tests.uuid('mentor:' || tests.uuid('tove')) returning status $$,
  array['active'::public.mentor_status],
  'and lift it again'
);
select tests.clear_authentication();

select results_eq(
  $$ select changed_by, new_status from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('tove')) and previous_status is not null
      order by changed_at, id $$,
  $$ values (tests.uuid('frida'), 'inactive'::public.mentor_status), (tests.uuid('frida'), 'active') $$,
  'both changes are in the history, by Frida'
);

-- Tove pauses herself: Frida, responsible through the fallback, is told.
select tests.authenticate_as(tests.uuid('tove'));
update public.peer_mentors set status = 'paused', status_reason = 'Exams' where user_id = tests.uuid('tove');
select tests.clear_authentication();
select results_eq(
  $$ select n.coordinator_id from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('tove')) and h.new_status = 'paused' $$,
  array[tests.uuid('frida')],
  'Tove''s pause queues one notification, for Frida'
);

-- A mentor of another organisation is not Frida's.
select tests.create_organization('Elsewhere');
select tests.create_chapter(tests.uuid('org:Elsewhere'), 'Elsewhere Alone');
select tests.create_user('ebba');
select tests.add_membership(tests.uuid('chapter:Elsewhere Alone'), tests.uuid('ebba'), 'peer_mentor');
select tests.create_mentor(tests.uuid('ebba'));
select tests.authenticate_as(tests.uuid('frida'));
select is_empty(
  $$ select 1 from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('ebba')) $$,
  'a mentor of an organisation Frida does not coordinate in stays invisible to her'
);
select tests.clear_authentication();

select * from finish();
rollback;
