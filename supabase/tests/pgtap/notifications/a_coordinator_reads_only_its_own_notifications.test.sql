-- Outbox privacy: a signed-in coordinator reads only the notifications addressed to it; the mentor (and any
-- other signed-in user) reads none, and anon may not read the table at all.
begin;
select plan(5);

do $$
declare
  v_org uuid := tests.create_organization('reads nordic');
  v_oslo uuid := tests.create_chapter(v_org, 'reads oslo');
  v_riga uuid := tests.create_chapter(tests.create_organization('reads baltic'), 'reads riga');
begin
  perform tests.add_membership(v_oslo, tests.create_user('reads cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('reads colin'), 'coordinator');
  perform tests.add_membership(v_riga, tests.create_user('reads carl'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('reads mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('reads mia'));
  perform tests.add_membership(v_riga, tests.create_user('reads rita'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('reads rita'));
  perform tests.create_user('reads stranger');
end;
$$;

update public.peer_mentors set status = 'paused'
 where user_id in (tests.uuid('reads mia'), tests.uuid('reads rita'));
-- Mia is paused twice (pause, resume, pause): Cora and Colin have two notifications each, Carl one.
update public.peer_mentors set status = 'active' where user_id = tests.uuid('reads mia');
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('reads mia');

select tests.authenticate_as(tests.uuid('reads cora'));
select results_eq(
  $$ select coordinator_id, count(*) from public.coordinator_notifications group by coordinator_id $$,
  $$ values (tests.uuid('reads cora'), 2::bigint) $$,
  'Cora reads her two notifications and nobody else''s'
);

select tests.authenticate_as(tests.uuid('reads carl'));
select results_eq(
  $$ select coordinator_id, count(*) from public.coordinator_notifications group by coordinator_id $$,
  $$ values (tests.uuid('reads carl'), 1::bigint) $$,
  'Carl reads his one notification and nobody else''s'
);

select tests.authenticate_as(tests.uuid('reads mia'));
select is_empty(
  $$ select id from public.coordinator_notifications $$,
  'the paused mentor reads no notification (not even those about herself)'
);

select tests.authenticate_as(tests.uuid('reads stranger'));
select is_empty(
  $$ select id from public.coordinator_notifications $$,
  'a signed-in user with no membership reads no notification'
);

select tests.authenticate_as_anon();
select throws_ok(
  $$ select id from public.coordinator_notifications $$,
  '42501', null,
  'anon may not read the notifications'
);

select * from finish();
rollback;
