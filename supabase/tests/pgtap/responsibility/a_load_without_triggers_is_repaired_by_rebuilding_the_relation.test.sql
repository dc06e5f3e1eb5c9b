-- Data loaded with the maintenance triggers off (a restore, session_replication_role = replica) leaves the
-- relation stale; private.responsibility_differences() says so, and private.rebuild_responsibility()
-- recomputes it whole.
begin;
select plan(4);

select tests.create_organization('Rebuild');
select tests.create_chapter(tests.uuid('org:Rebuild'), 'Rebuild One');
select tests.create_user(n) from unnest(array['rb-coordinator', 'rb-mentor']) n;
select tests.create_mentor(tests.uuid('rb-mentor'));

set local session_replication_role = replica;
insert into public.chapter_memberships (chapter_id, user_id, role) values
  (tests.uuid('chapter:Rebuild One'), tests.uuid('rb-coordinator'), 'coordinator'),
  (tests.uuid('chapter:Rebuild One'), tests.uuid('rb-mentor'), 'peer_mentor');
set local session_replication_role = origin;

select set_eq(
  $$ select side, mentor_id, coordinator_id from private.responsibility_differences() $$,
  $$ values ('missing'::text, tests.uuid('mentor:' || tests.uuid('rb-mentor')), tests.uuid('rb-coordinator')) $$,
  'memberships loaded in replica mode are missing from the relation, and the comparison says which'
);
select ok(
  (select coordinator_scopes >= 2 and mentor_scopes >= 1 from private.rebuild_responsibility()),
  'rebuild_responsibility() recomputes both tables and returns their row counts'
);
select is_empty($$ select * from private.responsibility_differences() $$, 'after the rebuild: no difference');
select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('rb-mentor'))) $$,
  array[tests.uuid('rb-coordinator')],
  'and the mentor''s coordinator is known again'
);

select * from finish();
rollback;
