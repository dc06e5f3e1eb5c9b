-- coordinators_for_mentor: only chapters where the mentor's peer_mentor membership is active count, both for the
-- chapter coordinators and for the organisation fallback.
begin;
select plan(2);

do $$
declare
  v_nordic uuid := tests.create_organization('cfm-left nordic');
  v_baltic uuid := tests.create_organization('cfm-left baltic');
  v_oslo uuid := tests.create_chapter(v_nordic, 'cfm-left oslo');
  v_riga uuid := tests.create_chapter(v_baltic, 'cfm-left riga');
  v_mentor uuid := tests.create_user('cfm-left mentor');
  v_former uuid := tests.create_user('cfm-left former mentor');
begin
  perform tests.add_membership(v_oslo, tests.create_user('cfm-left cora'), 'coordinator');
  perform tests.add_membership(v_riga, tests.create_user('cfm-left carl'), 'coordinator');
  -- Active in Oslo, left Riga (another organisation).
  perform tests.add_membership(v_oslo, v_mentor, 'peer_mentor');
  perform tests.add_membership(v_riga, v_mentor, 'peer_mentor', false);
  perform tests.create_mentor(v_mentor);
  -- Left Riga, and no other chapter.
  perform tests.add_membership(v_riga, v_former, 'peer_mentor', false);
  perform tests.create_mentor(v_former);
end;
$$;

select tests.authenticate_as_service_role();

select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-left mentor')::text)) $$,
  array[tests.uuid('cfm-left cora')],
  'the coordinators of a chapter the mentor has left (inactive peer_mentor membership) are not returned'
);

select is_empty(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-left former mentor')::text)) $$,
  'a mentor with only inactive peer_mentor memberships resolves to nobody (no fallback through a chapter it left)'
);

select * from finish();
rollback;
