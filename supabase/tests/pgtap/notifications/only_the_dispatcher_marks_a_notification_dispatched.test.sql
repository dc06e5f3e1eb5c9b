-- Only the dispatcher marks a notification dispatched (contract, "Coordinator notifications"): a coordinator
-- may set read_at on its own notification and nothing else. Setting dispatched_at back to null (to have it sent
-- again) or to a value is refused with 42501, as is every other column; the dispatcher's confirmation holds.
begin;
select plan(7);

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('resend nordic'), 'resend oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('resend cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('resend mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('resend mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('resend mia');

-- The dispatcher sends it and confirms it.
select tests.authenticate_as_service_role();
create temporary table claimed on commit drop as select * from public.claim_coordinator_notifications(10, '5 minutes');
select is(
  (select public.complete_coordinator_notifications(array(select id from pg_temp.claimed), (select claim_token from pg_temp.claimed limit 1))),
  1, 'fixture: the dispatcher claimed and confirmed Cora''s one notification');
select tests.clear_authentication();
create temporary table confirmed on commit drop as select * from public.coordinator_notifications where coordinator_id = tests.uuid('resend cora');
grant select on confirmed to authenticated;

select tests.authenticate_as(tests.uuid('resend cora'));
select throws_ok($$ update public.coordinator_notifications set dispatched_at = null $$,
  '42501', null, 'a coordinator cannot set dispatched_at back to null (to have it sent again)');
select throws_ok($$ update public.coordinator_notifications set dispatched_at = '2030-01-01' $$,
  '42501', null, 'a coordinator cannot mark a notification dispatched');

-- No other column either: each one the table has, but read_at, is refused.
select is_empty(
  $$ select a.attname from pg_catalog.pg_attribute a
      where a.attrelid = 'public.coordinator_notifications'::regclass and a.attnum > 0 and not a.attisdropped
        and a.attname <> 'read_at'
        and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'update') $$,
  'authenticated may update no column of coordinator_notifications but read_at');
select throws_ok($$ update public.coordinator_notifications set claimed_at = null, claim_token = null $$,
  '42501', null, 'a coordinator cannot release a claim to have it handed out again');

select lives_ok($$ update public.coordinator_notifications set read_at = '2030-01-01' $$,
  'a coordinator may still mark its notification read');
select tests.clear_authentication();

select results_eq(
  $$ select n.dispatched_at, n.claim_token, n.read_at from public.coordinator_notifications n
      where n.coordinator_id = tests.uuid('resend cora') $$,
  $$ select c.dispatched_at, c.claim_token, '2030-01-01'::timestamptz from pg_temp.confirmed c $$,
  'the notification is still dispatched as the dispatcher confirmed it; only read_at changed');

select * from finish();
rollback;
