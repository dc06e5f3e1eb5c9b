-- coordinators_for_mentor: no active coordinator in the mentor's chapters nor in its organisation -> the empty
-- set (a coordinator of another organisation is never borrowed).
begin;
select plan(1);

do $$
declare
  v_org uuid := tests.create_organization('cfm-nobody nordic');
  v_other_org uuid := tests.create_organization('cfm-nobody baltic');
  v_tromso uuid := tests.create_chapter(v_org, 'cfm-nobody tromso');
  v_riga uuid := tests.create_chapter(v_other_org, 'cfm-nobody riga');
begin
  perform tests.add_membership(v_riga, tests.create_user('cfm-nobody carl'), 'coordinator');
  perform tests.add_membership(v_tromso, tests.create_user('cfm-nobody mentor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('cfm-nobody mentor'));
end;
$$;

select tests.authenticate_as_service_role();

select is_empty(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-nobody mentor')::text)) $$,
  'a mentor with no coordinator in its chapters or its organisation resolves to nobody'
);

select * from finish();
rollback;
