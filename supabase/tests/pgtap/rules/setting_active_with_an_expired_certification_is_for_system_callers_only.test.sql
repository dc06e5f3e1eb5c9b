-- Setting a mentor active while its certification_expires_at has passed is refused with PM102 for signed-in
-- users (the mentor and its coordinator, from paused and from inactive) and allowed for system callers (the
-- service role and the owner). Moving away from active is not affected.
begin;
select plan(9);

select tests.create_chapter(tests.create_organization('Expired Org'), 'Expired Town');
select tests.create_user('cecil'); -- coordinator
select tests.add_membership(tests.uuid('chapter:Expired Town'), tests.uuid('cecil'), 'coordinator');
select tests.create_mentor(tests.create_user('ella'), 'paused', now() - interval '1 day');
select tests.create_mentor(tests.create_user('eddy'), 'inactive', now() - interval '1 day');
select tests.create_mentor(tests.create_user('evan'), 'active', now() - interval '1 day');
select tests.add_membership(tests.uuid('chapter:Expired Town'), tests.uuid(n), 'peer_mentor')
  from unnest(array['ella', 'eddy', 'evan']) as n;

select tests.authenticate_as(tests.uuid('ella'));
select throws_ok(
  $$ update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('ella')) $$,
  'PM102',
  'only a system caller may set active while the certification has expired (mentor '
    || tests.uuid('mentor:' || tests.uuid('ella')) || ', expired '
    || (select certification_expires_at from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('ella'))) || ')',
  'a mentor with an expired certification cannot resume itself: PM102, with a message naming the rule'
);

select tests.authenticate_as(tests.uuid('cecil'));
select throws_ok(
  $$ update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('ella')) $$,
  'PM102',
  null,
  'its coordinator cannot resume it either'
);
select throws_ok(
  $$ update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('eddy')) $$,
  'PM102',
  null,
  'nor lift an inactive mentor with an expired certification to active'
);
select results_eq(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('eddy')) returning status $$,
  $$ values ('paused'::public.mentor_status) $$,
  'the coordinator may still lift it to paused'
);

select tests.authenticate_as(tests.uuid('evan'));
select results_eq(
  $$ update public.peer_mentors set status = 'paused' where id = tests.uuid('mentor:' || tests.uuid('evan')) returning status $$,
  $$ values ('paused'::public.mentor_status) $$,
  'a mentor with an expired certification may still pause itself'
);

select tests.authenticate_as_service_role();
select results_eq(
  $$ update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('ella')) returning status $$,
  $$ values ('active'::public.mentor_status) $$,
  'the service role may set active despite the expired certification'
);
select tests.clear_authentication();

select results_eq(
  $$ update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('eddy')) returning status $$,
  $$ values ('active'::public.mentor_status) $$,
  'the owner may set active despite the expired certification'
);

-- With a renewed certification the mentor may resume itself again.
update public.peer_mentors set certification_expires_at = now() + interval '1 year' where id = tests.uuid('mentor:' || tests.uuid('evan'));
select tests.authenticate_as(tests.uuid('evan'));
select results_eq(
  $$ update public.peer_mentors set status = 'active' where id = tests.uuid('mentor:' || tests.uuid('evan')) returning status $$,
  $$ values ('active'::public.mentor_status) $$,
  'once the certification is renewed, the mentor may resume itself'
);
select tests.clear_authentication();

select results_eq(
  $$ select changed_by from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('ella')) and previous_status is not null $$,
  $$ values (null::uuid) $$,
  'the refused attempts left no history; the one change to the first mentor is the service role''s'
);

select * from finish();
rollback;
