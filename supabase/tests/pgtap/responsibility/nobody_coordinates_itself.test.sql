-- Nobody coordinates itself: on its own mentor row every user is a mentor (active <-> paused only), whatever
-- memberships it holds; it is never among its own responsible coordinators, and a coordinator's change
-- notifies the other responsible coordinators.
--   org Self: chapter Solo, whose only coordinator Sune is also a mentor there (with Siri);
--             chapter Pair, coordinators Petra and Pia, Petra also a mentor there.
--             chapter Hub, coordinator Hedda (the organisation's other coordinator).
begin;
select plan(13);

select tests.create_organization('Self');
select tests.create_chapter(tests.uuid('org:Self'), 'Self Solo');
select tests.create_chapter(tests.uuid('org:Self'), 'Self Pair');
select tests.create_chapter(tests.uuid('org:Self'), 'Self Hub');
select tests.create_user(n) from unnest(array['sune', 'siri', 'petra', 'pia', 'hedda']) n;
select tests.add_membership(tests.uuid('chapter:Self Solo'), tests.uuid('sune'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Self Solo'), tests.uuid('sune'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Self Solo'), tests.uuid('siri'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Self Pair'), tests.uuid('petra'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Self Pair'), tests.uuid('petra'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Self Pair'), tests.uuid('pia'), 'coordinator');
select tests.add_membership(tests.uuid('chapter:Self Hub'), tests.uuid('hedda'), 'coordinator');
select tests.create_mentor(tests.uuid('sune'));
select tests.create_mentor(tests.uuid('siri'));
select tests.create_mentor(tests.uuid('petra'));

select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('siri'))) $$,
  array[tests.uuid('sune')],
  'Siri''s coordinator is Sune, her chapter''s coordinator'
);
select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('sune'))) $$,
  array[tests.uuid('petra'), tests.uuid('pia'), tests.uuid('hedda')],
  'Sune, the only coordinator of his own chapter, is not his own: the organisation''s other coordinators are'
);
select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('petra'))) $$,
  array[tests.uuid('pia')],
  'Petra''s coordinator is Pia, the other coordinator of her chapter, not Petra'
);

-- Sune cannot set himself inactive, though he coordinates his chapter.
select tests.authenticate_as(tests.uuid('sune'));
select throws_ok(
  $$ update public.peer_mentors set status = 'inactive', status_reason = 'Stepping back' where user_id = tests.uuid('sune') $$,
  'PM101', null,
  'the sole coordinator of a chapter cannot set itself inactive (PM101): on its own row it is a mentor'
);
-- He may pause himself; the organisation's other coordinators are told.
select results_eq(
  $$ update public.peer_mentors set status = 'paused', status_reason = 'Holiday' where user_id = tests.uuid('sune') returning status $$,
  array['paused'::public.mentor_status],
  'he may pause himself, as any mentor'
);
select tests.clear_authentication();
select set_eq(
  $$ select n.coordinator_id from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('sune')) and h.new_status = 'paused' $$,
  array[tests.uuid('petra'), tests.uuid('pia'), tests.uuid('hedda')],
  'his pause notifies the coordinators responsible for him, and not himself'
);

-- Pia sets Petra inactive; Petra, though a coordinator of that chapter, cannot lift it.
select tests.authenticate_as(tests.uuid('pia'));
select results_eq(
  $$ update public.peer_mentors set status = 'inactive', status_reason = 'Under review' where user_id = tests.uuid('petra') returning status $$,
  array['inactive'::public.mentor_status],
  'Pia, responsible for Petra, sets her inactive'
);
select tests.authenticate_as(tests.uuid('petra'));
select throws_ok(
  $$ update public.peer_mentors set status = 'active', status_reason = 'I disagree' where user_id = tests.uuid('petra') $$,
  'PM101', null,
  'Petra cannot lift the inactive another coordinator set on her (PM101), though she coordinates the chapter'
);
select throws_ok(
  $$ update public.peer_mentors set status_reason = 'Rewritten' where user_id = tests.uuid('petra') $$,
  'PM104', null,
  'nor rewrite the reason Pia gave (PM104: a reason changes only with a status)'
);
select tests.clear_authentication();
select results_eq(
  $$ select status, status_reason from public.peer_mentors where user_id = tests.uuid('petra') $$,
  $$ values ('inactive'::public.mentor_status, 'Under review'::text) $$,
  'Petra''s row keeps the status and reason Pia set'
);

-- A coordinator's change notifies the other responsible coordinators, never the one who made it.
select tests.authenticate_as(tests.uuid('sune'));
select results_eq(
  $$ update public.peer_mentors set status = 'paused', status_reason = 'Too many mentees' where user_id = tests.uuid('siri') returning status $$,
  array['paused'::public.mentor_status],
  'Sune pauses Siri, his chapter''s mentor'
);
select tests.clear_authentication();
select is_empty(
  $$ select n.coordinator_id from public.coordinator_notifications n
       join public.peer_mentor_status_history h on h.id = n.history_id
      where h.mentor_id = tests.uuid('mentor:' || tests.uuid('siri')) $$,
  'Sune, Siri''s only responsible coordinator, made the change: nobody else to tell'
);

-- Petra's own visibility: she sees herself (as a mentor) but is never "responsible" for herself.
select is(
  (select count(*)::integer from private.responsibilities r
    where r.mentor_id = tests.uuid('mentor:' || tests.uuid('petra')) and r.coordinator_id = tests.uuid('petra')),
  0,
  'the relation never pairs a mentor with its own user'
);

select * from finish();
rollback;
