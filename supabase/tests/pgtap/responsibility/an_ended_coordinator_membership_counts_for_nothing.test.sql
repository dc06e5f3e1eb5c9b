-- Inactive memberships count for nothing, on either side (contract). A mentor with an ended coordinator
-- membership in its own chapter, and a coordinator whose membership ended, get nothing from them: not the
-- relation, not the inactive rule, not RLS.
begin;
select plan(6);

select tests.create_organization('Ended');
select tests.create_chapter(tests.uuid('org:Ended'), 'Ended One');
select tests.create_user(n) from unnest(array['eja', 'erik', 'elin']) n;
-- Eja: mentor in One, with an ENDED coordinator membership there. Erik: ended coordinator of One.
-- Elin: the chapter's active coordinator.
select tests.add_membership(tests.uuid('chapter:Ended One'), tests.uuid('eja'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Ended One'), tests.uuid('eja'), 'coordinator', false);
select tests.add_membership(tests.uuid('chapter:Ended One'), tests.uuid('erik'), 'coordinator', false);
select tests.add_membership(tests.uuid('chapter:Ended One'), tests.uuid('elin'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Ended One'), tests.uuid('erik'), 'peer_mentor');
select tests.create_mentor(tests.uuid('eja'));
select tests.create_mentor(tests.uuid('erik'));

select set_eq(
  $$ select distinct coordinator_id from private.responsibilities where mentor_id = tests.uuid('mentor:' || tests.uuid('erik')) $$,
  array[tests.uuid('elin')],
  'Erik''s ended coordinator membership gives Eja no responsibility for him: only Elin is responsible'
);

-- Elin sets Erik inactive. Eja, visible to nobody as a coordinator, cannot touch him.
select tests.authenticate_as(tests.uuid('elin'));
update public.peer_mentors set status = 'inactive', status_reason = 'Paused by Elin' where user_id = tests.uuid('erik');
select tests.authenticate_as(tests.uuid('eja'));
select is_empty(
  $$ select 1 from public.peer_mentors where user_id = tests.uuid('erik') $$,
  'Eja, whose coordinator membership ended, does not see Erik'
);
select is(
  private.is_coordinator_of_mentor(tests.uuid('mentor:' || tests.uuid('erik'))),
  false,
  'the inactive rule''s check says Eja is not responsible for Erik'
);
-- On her own row, the ended membership changes nothing either: she is a mentor.
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive', status_reason = 'x' where user_id = tests.uuid('eja') $$,
  'PM101', null,
  'Eja cannot set herself inactive'
);
-- Erik, with an ended coordinator membership in his own chapter, cannot lift his inactive.
select tests.authenticate_as(tests.uuid('erik'));
select throws_ok(
  $$ update public.peer_mentors set status = 'active', status_reason = 'Back' where user_id = tests.uuid('erik') $$,
  'PM101', null,
  'Erik cannot lift the inactive Elin set (his ended coordinator membership counts for nothing)'
);
select tests.clear_authentication();

-- Re-activating the ended membership makes Eja responsible for Erik again (the relation follows).
update public.chapter_memberships set is_active = true
 where chapter_id = tests.uuid('chapter:Ended One') and user_id = tests.uuid('eja') and role = 'coordinator';
select set_eq(
  $$ select distinct coordinator_id from private.responsibilities where mentor_id = tests.uuid('mentor:' || tests.uuid('erik')) $$,
  array[tests.uuid('elin'), tests.uuid('eja')],
  'once re-activated, Eja''s coordinator membership counts again'
);

select * from finish();
rollback;
