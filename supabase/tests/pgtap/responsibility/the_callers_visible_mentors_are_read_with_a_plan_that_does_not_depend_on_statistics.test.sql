-- Reads that do not depend on luck after a bulk membership change (issue 18): the RLS helpers that list the
-- caller's mentors and profiles read the relation with a fixed plan (index nested loops from the caller's own
-- coordinator scopes, one index probe per scope), whatever the statistics say; right after a bulk import, before
-- ANALYZE, a plan estimated from statistics taken when every mentor was on the organisation fallback hashed the
-- whole mentor_scopes (5.8x the explicit filter: `npm run bench`, (9)). And they still answer exactly the
-- relation: a chapter coordinator, an organisation-fallback coordinator and a mentor.
begin;
select plan(5);

select ok(
  (select p.proconfig @> array['enable_seqscan=off'] and pg_catalog.pg_get_functiondef(p.oid) ~* 'cross join lateral'
     from pg_catalog.pg_proc p where p.oid = 'private.visible_mentor_ids()'::regprocedure),
  'private.visible_mentor_ids() probes mentor_scopes once per coordinator scope (LATERAL, by index), whatever the statistics');
select ok(
  (select p.proconfig @> array['enable_seqscan=off'] and pg_catalog.pg_get_functiondef(p.oid) ~* 'cross join lateral'
     from pg_catalog.pg_proc p where p.oid = 'private.coordinated_user_ids()'::regprocedure),
  'private.coordinated_user_ids() too');

select tests.create_rls_fixture();
-- A chapter without a coordinator in org one: its mentor falls back to org one's coordinators.
select tests.add_membership(tests.create_chapter(tests.rls_org('one'), 'rls fallback'), tests.create_user('rls:mentor-fallback'), 'peer_mentor');
select tests.create_mentor(tests.rls_user('mentor-fallback'));

create function pg_temp.visible_as(p_name text) returns setof uuid language plpgsql volatile as $$
begin
  perform tests.rls_sign_in(p_name);
  return query select distinct v from private.visible_mentor_ids() v;
  perform tests.clear_authentication();
end;
$$;
create function pg_temp.responsible_for(p_name text) returns setof uuid language sql stable as $$
  select distinct r.mentor_id from private.responsibilities r where r.coordinator_id = tests.rls_user(p_name)
  union
  select pm.id from public.peer_mentors pm where pm.user_id = tests.rls_user(p_name);
$$;

select set_eq($$ select * from pg_temp.visible_as('coord-north') $$, $$ select * from pg_temp.responsible_for('coord-north') $$,
  'a chapter coordinator sees exactly the mentors it is responsible for');
select set_eq($$ select * from pg_temp.visible_as('coord-multi') $$, $$ select * from pg_temp.responsible_for('coord-multi') $$,
  'a coordinator of two chapters (and, for the fallback chapter, of their organisation) too');
select set_eq($$ select * from pg_temp.visible_as('mentor-self') $$, array[tests.rls_mentor('mentor-self')],
  'a mentor sees its own row only');

select * from finish();
rollback;
