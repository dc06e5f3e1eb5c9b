-- coordinators_for_mentor: the organisation fallback is for a mentor none of whose chapters has a coordinator.
-- A mentor in one chapter with a coordinator and one without resolves to the chapter coordinators only.
begin;
select plan(1);

do $$
declare
  v_org uuid := tests.create_organization('cfm-nofallback nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'cfm-nofallback oslo');
  v_tromso uuid := tests.create_chapter(v_org, 'cfm-nofallback tromso');
  v_bergen uuid := tests.create_chapter(v_org, 'cfm-nofallback bergen');
  v_mentor uuid := tests.create_user('cfm-nofallback mentor');
begin
  -- Oslo has Cora; Tromsø has no coordinator; Bergen (same organisation, not the mentor's) has Colin.
  perform tests.add_membership(v_oslo, tests.create_user('cfm-nofallback cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('cfm-nofallback colin'), 'coordinator');
  perform tests.add_membership(v_oslo, v_mentor, 'peer_mentor');
  perform tests.add_membership(v_tromso, v_mentor, 'peer_mentor');
  perform tests.create_mentor(v_mentor);
end;
$$;

select tests.authenticate_as_service_role();

select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-nofallback mentor')::text)) $$,
  array[tests.uuid('cfm-nofallback cora')],
  'a mentor with one coordinated chapter and one without resolves to the chapter coordinator only (no organisation fallback)'
);

select * from finish();
rollback;
