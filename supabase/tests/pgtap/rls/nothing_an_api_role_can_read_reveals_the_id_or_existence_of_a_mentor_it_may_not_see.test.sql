-- "Nothing reachable by an API role reveals mentors it may not see, not even their ids or their existence"
-- (contract, "Who may do what"). The two probes of the 2026-12-02 review, against every relation a signed-in
-- user can read that holds mentor ids:
--   existence oracle: `where mentor_id = '<invisible>' and 1/(length(mentor_id::text)-36) = 1` raises division
--                     by zero iff the caller's predicate reaches the invisible row;
--   id leak:          `where mentor_id::text::int = 0` fails naming the first id it reaches.
-- Both must see the caller's own rows only: empty, no error. (private.visible_mentors was an owner-rights view
-- whose flattened UNION ALL let both through: 20261203130200.)
begin;
select plan(10);

select tests.create_rls_fixture();

-- coord-west is responsible for mentor-west and mentor-multi; mentor-south exists but is not its to see.
select tests.rls_sign_in('coord-west');
select is_empty(
  pg_catalog.format($$ select * from private.visible_mentors
                        where mentor_id = %L and 1 / (length(mentor_id::text) - 36) = 1 $$, tests.rls_mentor('mentor-south')),
  'private.visible_mentors: the division-by-zero probe on an invisible mentor runs on nothing (no oracle)');
select is_empty(
  $$ select * from private.visible_mentors
      where mentor_id::text::int = 0 and mentor_id <> all (array(select private.visible_mentor_ids())) $$,
  'private.visible_mentors: the cast probe past the caller''s own mentors fails on nothing (no id in an error)');
select is_empty(
  pg_catalog.format($$ select * from public.peer_mentors
                        where id = %L and 1 / (length(id::text) - 36) = 1 $$, tests.rls_mentor('mentor-south')),
  'peer_mentors: no oracle');
select is_empty(
  pg_catalog.format($$ select * from public.peer_mentor_status_history
                        where mentor_id = %L and 1 / (length(mentor_id::text) - 36) = 1 $$, tests.rls_mentor('mentor-south')),
  'peer_mentor_status_history: no oracle');
select is_empty(
  pg_catalog.format($$ select mentor_id from public.mentor_cards
                        where mentor_id = %L and 1 / (length(mentor_id::text) - 36) = 1 $$, tests.rls_mentor('mentor-south')),
  'mentor_cards: no oracle');
select is_empty(
  pg_catalog.format($$ select mentor_id from public.mentor_status_timeline
                        where mentor_id = %L and 1 / (length(mentor_id::text) - 36) = 1 $$, tests.rls_mentor('mentor-south')),
  'mentor_status_timeline: no oracle');
select is_empty(
  pg_catalog.format($$ select * from private.mentor_directory(%L) $$, tests.rls_mentor('mentor-south')),
  'private.mentor_directory of an invisible mentor: no row');

-- The outsider may see no mentor at all: every cast probe runs on nothing.
select tests.rls_sign_in('outsider');
select is_empty($$ select * from private.visible_mentors where mentor_id::text::int = 0 $$,
  'outsider, private.visible_mentors: the cast probe fails on nothing');
select is_empty($$ select id from public.peer_mentors where id::text::int = 0 $$,
  'outsider, peer_mentors: the cast probe fails on nothing');
select is_empty($$ select id from public.peer_mentor_status_history where mentor_id::text::int = 0 $$,
  'outsider, peer_mentor_status_history: the cast probe fails on nothing');

select * from finish();
rollback;
