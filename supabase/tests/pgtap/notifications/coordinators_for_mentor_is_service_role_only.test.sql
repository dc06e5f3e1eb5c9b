-- coordinators_for_mentor: only the service role may call it (it reveals who coordinates whom across chapters).
begin;
select plan(4);

do $$
declare
  v_org uuid := tests.create_organization('cfm-grants');
  v_oslo uuid := tests.create_chapter(v_org, 'cfm-grants oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('cfm-grants cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('cfm-grants mentor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('cfm-grants mentor'));
end;
$$;

select tests.authenticate_as(tests.uuid('cfm-grants cora'));
select throws_ok(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-grants mentor')::text)) $$,
  '42501', null,
  'a signed-in coordinator cannot call coordinators_for_mentor, even for its own mentor'
);

select tests.authenticate_as(tests.uuid('cfm-grants mentor'));
select throws_ok(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-grants mentor')::text)) $$,
  '42501', null,
  'a signed-in mentor cannot call coordinators_for_mentor for itself'
);

select tests.authenticate_as_anon();
select throws_ok(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-grants mentor')::text)) $$,
  '42501', null,
  'anon cannot call coordinators_for_mentor'
);

select tests.authenticate_as_service_role();
select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-grants mentor')::text)) $$,
  array[tests.uuid('cfm-grants cora')],
  'the service role can call coordinators_for_mentor'
);

select * from finish();
rollback;
