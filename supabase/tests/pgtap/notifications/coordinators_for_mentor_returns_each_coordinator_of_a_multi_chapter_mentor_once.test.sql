-- coordinators_for_mentor: a mentor in several chapters (the normal case) resolves to the active coordinators of
-- every one of them, across organisations, each once even when one person coordinates two of its chapters.
begin;
select plan(2);

do $$
declare
  v_nordic uuid := tests.create_organization('cfm-multi nordic');
  v_baltic uuid := tests.create_organization('cfm-multi baltic');
  v_oslo uuid := tests.create_chapter(v_nordic, 'cfm-multi oslo');
  v_bergen uuid := tests.create_chapter(v_nordic, 'cfm-multi bergen');
  v_riga uuid := tests.create_chapter(v_baltic, 'cfm-multi riga');
  v_mentor uuid := tests.create_user('cfm-multi mentor');
begin
  -- Cora coordinates both Oslo and Bergen; Colin only Bergen; Carl only Riga.
  perform tests.add_membership(v_oslo, tests.create_user('cfm-multi cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.uuid('cfm-multi cora'), 'coordinator');
  perform tests.add_membership(v_bergen, tests.create_user('cfm-multi colin'), 'coordinator');
  perform tests.add_membership(v_riga, tests.create_user('cfm-multi carl'), 'coordinator');
  perform tests.add_membership(v_oslo, v_mentor, 'peer_mentor');
  perform tests.add_membership(v_bergen, v_mentor, 'peer_mentor');
  perform tests.add_membership(v_riga, v_mentor, 'peer_mentor');
  perform tests.create_mentor(v_mentor);
end;
$$;

select tests.authenticate_as_service_role();

select bag_eq(
  $$ select public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-multi mentor')::text)) $$,
  array[tests.uuid('cfm-multi cora'), tests.uuid('cfm-multi colin'), tests.uuid('cfm-multi carl')],
  'a multi-chapter mentor resolves to the coordinators of all its chapters, in every organisation'
);

select is(
  (select count(*) from public.coordinators_for_mentor(tests.uuid('mentor:' || tests.uuid('cfm-multi mentor')::text))
    where coordinators_for_mentor = tests.uuid('cfm-multi cora')),
  1::bigint,
  'a coordinator of two of the mentor''s chapters is returned once'
);

select * from finish();
rollback;
