-- Nothing reachable by an API role reveals mentors it may not see, not even their ids or their existence
-- (contract, "Who may do what"). Issue 18, hole 3.
--
-- private.visible_mentors (20261201100300) runs with its owner's rights and is granted to authenticated, for the
-- history policy's per-row EXISTS. Its UNION ALL was flattened into the caller's query, so a caller's own
-- predicate ran below the view's filter, on every mentor:
--   select * from private.visible_mentors where mentor_id = '<Rita>' and 1/(length(mentor_id::text)-36) = 1
--     -- division by zero iff Rita exists: an existence oracle;
--   select * from private.visible_mentors where mentor_id::text::int = 0
--     -- the cast error names another mentor's id; repeated with `mentor_id <> all(...)`, it lists every id.
-- Marking that view security_barrier alone does not help: the UNION ALL is still pulled up as an append
-- relation, and the caller's qual is pushed into each arm.
--
-- Now the view is a security_barrier view over a subquery: the planner keeps the subquery (the barrier) whole,
-- and pushes into it only leakproof quals (uuid equality: the policy's `v.mentor_id = h.mentor_id`, so the
-- per-row probe still uses the relation's indexes); anything else a caller writes (a division, a cast, a
-- function of its own) runs above it, on the caller's own rows only. Same name, column and grant, so the history
-- policy is unchanged. A view change: ACCESS EXCLUSIVE on the view only, for milliseconds.
set lock_timeout = '3s';
set statement_timeout = '10min';

create or replace view private.visible_mentors
with (security_barrier = true)
as
select v.mentor_id
  from (select r.mentor_id
          from private.responsibilities r
         where r.coordinator_id = (select auth.uid())
        union all
        select pm.id
          from public.peer_mentors pm
         where pm.user_id = (select auth.uid())) as v (mentor_id);
-- Owner's rights on purpose (security_invoker off): read inside the history policy, as the caller, it must read
-- the relation, which the caller cannot. security_barrier keeps every non-leakproof predicate of the caller above
-- its filter.
comment on view private.visible_mentors is
  'The signed-in user''s own mentor row and every mentor it is responsible for, for the history policy''s per-row EXISTS (a mentor may appear more than once). security_barrier over a subquery: a caller''s predicate that is not leakproof runs only on these rows, so it cannot reveal other mentors'' ids or existence.';
