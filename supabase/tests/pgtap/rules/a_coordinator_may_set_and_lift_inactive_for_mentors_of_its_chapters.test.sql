-- A coordinator with an active coordinator membership may set and lift inactive (and pause and resume) for
-- every mentor who has an active peer_mentor membership in one of its chapters, including a mentor it
-- shares only the second of several chapters with.
begin;
select plan(6);

select tests.create_organization('Coord Org');
select tests.create_chapter(tests.uuid('org:Coord Org'), 'Coord East');
select tests.create_chapter(tests.uuid('org:Coord Org'), 'Coord West');
select tests.create_user('carla');  -- coordinator of East
select tests.create_user('conrad'); -- coordinator of West
select tests.create_user('milo');   -- mentor in East and West
select tests.add_membership(tests.uuid('chapter:Coord East'), tests.uuid('carla'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Coord West'), tests.uuid('conrad'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Coord East'), tests.uuid('milo'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Coord West'), tests.uuid('milo'), 'peer_mentor');
select tests.create_mentor(tests.uuid('milo'));

select tests.authenticate_as(tests.uuid('carla'));
select results_eq(
  $$ update public.peer_mentors set status = 'inactive', status_reason = 'left the chapter'
      where id = tests.uuid('mentor:' || tests.uuid('milo')) returning status, status_reason $$,
  $$ values ('inactive'::public.mentor_status, 'left the chapter'::text) $$,
  'a coordinator may set a mentor of its chapter inactive, with a reason'
);
select results_eq(
  $$ update public.peer_mentors set status = 'paused'
      where id = tests.uuid('mentor:' || tests.uuid('milo')) returning status $$,
  $$ values ('paused'::public.mentor_status) $$,
  'a coordinator may lift inactive to paused'
);
select results_eq(
  $$ update public.peer_mentors set status = 'active'
      where id = tests.uuid('mentor:' || tests.uuid('milo')) returning status $$,
  $$ values ('active'::public.mentor_status) $$,
  'a coordinator may resume a paused mentor'
);

select tests.authenticate_as(tests.uuid('conrad'));
select results_eq(
  $$ update public.peer_mentors set status = 'inactive'
      where id = tests.uuid('mentor:' || tests.uuid('milo')) returning status $$,
  $$ values ('inactive'::public.mentor_status) $$,
  'the coordinator of the mentor''s other chapter may set it inactive too'
);
select results_eq(
  $$ update public.peer_mentors set status = 'active'
      where id = tests.uuid('mentor:' || tests.uuid('milo')) returning status $$,
  $$ values ('active'::public.mentor_status) $$,
  'and may lift inactive straight to active'
);
select tests.clear_authentication();

select results_eq(
  $$ select previous_status, new_status, changed_by
       from public.peer_mentor_status_history
      where mentor_id = tests.uuid('mentor:' || tests.uuid('milo')) and previous_status is not null
      order by changed_at, id $$,
  $$ values ('active'::public.mentor_status, 'inactive'::public.mentor_status, tests.uuid('carla')),
            ('inactive', 'paused', tests.uuid('carla')),
            ('paused', 'active', tests.uuid('carla')),
            ('active', 'inactive', tests.uuid('conrad')),
            ('inactive', 'active', tests.uuid('conrad')) $$,
  'every change is recorded with the coordinator who made it'
);

select * from finish();
rollback;
