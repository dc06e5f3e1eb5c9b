-- coordinators_for_mentor: a mentor in one chapter resolves to that chapter's active coordinators, and to no
-- coordinator of another chapter of the same organisation.
begin;
select plan(2);

do $$
declare
  v_org uuid := tests.create_organization('cfm-single');
  v_oslo uuid := tests.create_chapter(v_org, 'cfm-single oslo');
  v_bergen uuid := tests.create_chapter(v_org, 'cfm-single bergen');
begin
  perform tests.add_membership(v_oslo, tests.create_user('cfm-single coord a'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('cfm-single coord b'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('cfm-single coord bergen'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('cfm-single mentor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('cfm-single mentor'));
end;
$$;

select tests.authenticate_as_service_role();

select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-single mentor')::text)) $$,
  array[tests.uuid('cfm-single coord a'), tests.uuid('cfm-single coord b')],
  'a single-chapter mentor resolves to both active coordinators of its chapter, not to another chapter''s'
);

select is(
  (select count(*) from public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-single mentor')::text))),
  2::bigint,
  'each coordinator is returned once'
);

select * from finish();
rollback;
