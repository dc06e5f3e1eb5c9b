-- A mentor may change only its own row: another mentor, even one in the same chapter, is invisible to it,
-- so its update matches no row (0 rows, no error) and changes nothing.
begin;
select plan(4);

select tests.create_chapter(tests.create_organization('Peers Org'), 'Peers Town');
select tests.create_user('pablo');
select tests.create_user('petra');
select tests.add_membership(tests.uuid('chapter:Peers Town'), tests.uuid('pablo'), 'peer_mentor');
select tests.add_membership(tests.uuid('chapter:Peers Town'), tests.uuid('petra'), 'peer_mentor');
select tests.create_mentor(tests.uuid('pablo'));
select tests.create_mentor(tests.uuid('petra'));

select tests.authenticate_as(tests.uuid('pablo'));
select is_empty(
  $$ update public.peer_mentors set status = 'paused', status_reason = 'paused by a peer'
      where id = tests.uuid('mentor:' || tests.uuid('petra')) returning id $$,
  'a mentor''s update of another mentor in its chapter matches no row'
);
select is_empty(
  $$ update public.peer_mentors set status = 'paused' where id <> tests.uuid('mentor:' || tests.uuid('pablo')) returning id $$,
  'nor does an update aimed at every other mentor'
);
select tests.clear_authentication();

select results_eq(
  $$ select status, status_reason from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('petra')) $$,
  $$ values ('active'::public.mentor_status, null::text) $$,
  'the other mentor is unchanged'
);

select is(
  (select count(*)::integer from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('petra'))),
  1,
  'and has no new history row'
);

select * from finish();
rollback;
