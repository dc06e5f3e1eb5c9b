-- coordinators_for_mentor: when none of the mentor's chapters has an active coordinator, the active coordinators
-- of its organisation (every chapter of it) are told instead; another organisation's are not.
begin;
select plan(2);

do $$
declare
  v_org uuid := tests.create_organization('cfm-fallback nordic');
  v_other_org uuid := tests.create_organization('cfm-fallback baltic');
  v_tromso uuid := tests.create_chapter(v_org, 'cfm-fallback tromso');
  v_oslo uuid := tests.create_chapter(v_org, 'cfm-fallback oslo');
  v_bergen uuid := tests.create_chapter(v_org, 'cfm-fallback bergen');
  v_riga uuid := tests.create_chapter(v_other_org, 'cfm-fallback riga');
begin
  -- Tromsø has no coordinator; Oslo and Bergen (same organisation) do; Riga is another organisation.
  perform tests.add_membership(v_oslo, tests.create_user('cfm-fallback cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('cfm-fallback colin'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.uuid('cfm-fallback cora'), 'coordinator');
  perform tests.add_membership(v_riga, tests.create_user('cfm-fallback carl'), 'coordinator');
  perform tests.add_membership(v_tromso, tests.create_user('cfm-fallback mentor'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('cfm-fallback mentor'));
end;
$$;

select tests.authenticate_as_service_role();

select set_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-fallback mentor')::text)) $$,
  array[tests.uuid('cfm-fallback cora'), tests.uuid('cfm-fallback colin')],
  'a mentor whose chapter has no coordinator resolves to its organisation''s coordinators, not another organisation''s'
);

select is(
  (select count(*) from public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-fallback mentor')::text))),
  2::bigint,
  'each organisation coordinator is returned once, even one coordinating two chapters'
);

select * from finish();
rollback;
