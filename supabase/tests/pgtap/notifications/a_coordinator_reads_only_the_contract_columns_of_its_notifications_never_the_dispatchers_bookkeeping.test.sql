-- Outbox privacy (contract, "Coordinator notifications"): a coordinator reads only id, history_id,
-- coordinator_id, created_at, dispatched_at and read_at of its own notifications, never the dispatcher's
-- bookkeeping (last_error can hold a webhook's URL and answer; claim_token, the retry columns), by column grants:
-- no table-wide SELECT, so a column added later is not readable by accident. It may still mark them read.
begin;
select plan(9);

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('columns nordic'), 'columns oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('columns cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('columns mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('columns mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('columns mia');
-- The dispatcher failed to send it: its bookkeeping now holds a secret.
update public.coordinator_notifications
   set last_error = 'POST https://hooks.example.org/s3cr3t-token: 500 {"debug":"..."}', attempts = 1,
       last_failed_at = now(), next_attempt_at = now() + interval '1 minute'
 where coordinator_id = tests.uuid('columns cora');

select set_eq(
  $$ select a.attname::text
       from pg_catalog.pg_attribute a
      where a.attrelid = 'public.coordinator_notifications'::regclass and a.attnum > 0 and not a.attisdropped
        and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'SELECT') $$,
  array['id', 'history_id', 'coordinator_id', 'created_at', 'dispatched_at', 'read_at'],
  'authenticated may SELECT exactly the six contract columns'
);
select ok(
  not pg_catalog.has_table_privilege('authenticated', 'public.coordinator_notifications', 'SELECT'),
  'authenticated holds no table-wide SELECT (a column added later is not readable by accident)'
);

select tests.authenticate_as(tests.uuid('columns cora'));
select results_eq(
  $$ select coordinator_id, dispatched_at, read_at from public.coordinator_notifications $$,
  $$ values (tests.uuid('columns cora'), null::timestamptz, null::timestamptz) $$,
  'Cora reads her notification''s contract columns'
);
select throws_ok($$ select last_error from public.coordinator_notifications $$, '42501', null,
  'Cora cannot read last_error (a webhook''s URL and answer)');
select throws_ok($$ select claim_token from public.coordinator_notifications $$, '42501', null,
  'Cora cannot read claim_token');
select throws_ok($$ select attempts, next_attempt_at, last_failed_at, dead_at, claimed_at, claim_lease from public.coordinator_notifications $$,
  '42501', null, 'Cora cannot read the retry columns');
select throws_ok($$ select * from public.coordinator_notifications $$, '42501', null,
  'select * is refused: a coordinator names the columns it reads');
select lives_ok($$ update public.coordinator_notifications set read_at = '2030-01-01' where id is not null $$,
  'Cora may still mark her notification read');
select tests.clear_authentication();
select results_eq(
  $$ select read_at from public.coordinator_notifications where coordinator_id = tests.uuid('columns cora') $$,
  $$ values ('2030-01-01'::timestamptz) $$,
  'and the mark is kept'
);

select * from finish();
rollback;
