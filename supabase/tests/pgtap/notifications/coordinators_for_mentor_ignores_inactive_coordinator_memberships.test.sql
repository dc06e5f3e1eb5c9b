-- coordinators_for_mentor: an inactive coordinator membership grants nothing, neither in the mentor's chapter
-- nor through the organisation fallback.
begin;
select plan(2);

do $$
declare
  v_org uuid := tests.create_organization('cfm-idle nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'cfm-idle oslo');
  v_tallinn_org uuid := tests.create_organization('cfm-idle baltic');
  v_tallinn uuid := tests.create_chapter(v_tallinn_org, 'cfm-idle tallinn');
  v_riga uuid := tests.create_chapter(v_tallinn_org, 'cfm-idle riga');
begin
  -- Oslo: Cora active, Ida inactive. Tallinn: only Ivo, inactive, and Riga (same organisation): only Ines, inactive.
  perform tests.add_membership(v_oslo, tests.create_user('cfm-idle cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('cfm-idle ida'), 'coordinator', false);
  perform tests.add_membership(v_tallinn, tests.create_user('cfm-idle ivo'), 'coordinator', false);
  perform tests.add_membership(v_riga, tests.create_user('cfm-idle ines'), 'coordinator', false);
  perform tests.add_membership(v_oslo, tests.create_user('cfm-idle oslo mentor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('cfm-idle oslo mentor'));
  perform tests.add_membership(v_tallinn, tests.create_user('cfm-idle tallinn mentor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('cfm-idle tallinn mentor'));
end;
$$;

select tests.authenticate_as_service_role();

select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-idle oslo mentor')::text)) $$,
  array[tests.uuid('cfm-idle cora')],
  'a coordinator whose membership in the mentor''s chapter is inactive is not returned'
);

select is_empty(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-idle tallinn mentor')::text)) $$,
  'inactive coordinator memberships count neither in the chapter nor in the organisation fallback'
);

select * from finish();
rollback;
