-- History has one writer (contract, "How history is written"): no role, the service role and the table owner
-- included, can INSERT a history row directly (PM202), also in replica mode; the triggers on peer_mentors still
-- write it, for one row and in bulk; a backfill opts in explicitly as the owner with a setting that names its own
-- transaction (set_config('app.history_backfill', txid_current()::text, true)), which nobody else can use.
-- The guard knows the history triggers by their role (status_history_writer), not by trigger depth: the owner's
-- own trigger on a temp table cannot write history (issue 18, hole 5).
begin;
select plan(16);

select tests.create_mentor(tests.create_user('writer mia'));
create temporary table mia on commit drop as select tests.uuid('mentor:' || tests.uuid('writer mia')) as id;
grant select on mia to service_role;
create function pg_temp.mia_history() returns bigint language sql stable
as $$ select count(*) from public.peer_mentor_status_history where mentor_id = (select id from pg_temp.mia) $$;

-- The owner (migrations, pg_cron jobs): a back-dated, forged row.
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
     select id, 'active', 'inactive', '2020-01-01', 'forged' from pg_temp.mia $$,
  'PM202', null, 'the owner cannot insert a back-dated history row directly');
select throws_ok(
  $$ with forged as (
       insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
       select id, 'active', 'paused' from pg_temp.mia returning id)
     select count(*) from forged $$,
  'PM202', null, 'nor through a data-modifying CTE');

create function pg_temp.forge() returns void language sql volatile
as $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
      select id, 'active', 'paused' from pg_temp.mia $$;
select throws_ok($$ select pg_temp.forge() $$, 'PM202', null, 'nor from inside a function');

set local session_replication_role = replica;
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
     select id, 'active', 'paused' from pg_temp.mia $$,
  'PM202', null, 'nor in replica mode, where ordinary triggers are skipped (the guard is ENABLE ALWAYS)');
set local session_replication_role = origin;

select throws_ok(
  $$ select set_config('app.history_backfill', 'on', true);
     insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
     select id, 'active', 'paused' from pg_temp.mia $$,
  'PM202', null, 'the opt-in names the transaction: the old ''on'' is refused');
select throws_ok(
  $$ select set_config('app.history_backfill', (txid_current() - 1)::text, true);
     insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
     select id, 'active', 'paused' from pg_temp.mia $$,
  'PM202', null, 'an opt-in naming another transaction is refused');
select set_config('app.history_backfill', '', true);

-- A session-level opt-in (or a role's or the database's: the same value for every transaction) names the
-- transaction that set it at most, and counts for nothing in any later one.
create function pg_temp.session_opt_in_then_insert() returns void language plpgsql volatile as $f$
begin
  perform set_config('app.history_backfill', (txid_current() - 1)::text, false);
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status)
  select id, 'active', 'paused' from pg_temp.mia;
end
$f$;
select throws_ok($$ select pg_temp.session_opt_in_then_insert() $$, 'PM202', null,
  'a session-level app.history_backfill is ignored');
select set_config('app.history_backfill', '', true);

-- The owner's own AFTER INSERT trigger on a temp table nests (pg_trigger_depth() = 2), but it does not run as
-- the history's writer role.
create temporary table forge_trigger_source (x integer) on commit drop;
create function pg_temp.forge_from_trigger() returns trigger language plpgsql as $f$
begin
  insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, changed_by, reason)
  select id, 'active', 'inactive', '2020-01-01', null, 'forged from a trigger' from pg_temp.mia;
  return null;
end
$f$;
create trigger forge_trigger_source_forges after insert on forge_trigger_source
  for each row execute function pg_temp.forge_from_trigger();
select throws_ok($$ insert into forge_trigger_source values (1) $$, 'PM202', null,
  'a trigger of the owner''s own (a temp table''s, nested at depth 2) cannot write history');

-- The service role lacks INSERT (42501). Granted it (here, rolled back), the guard still refuses it, opt-in or not.
select tests.authenticate_as_service_role();
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status) select id, 'active', 'paused' from pg_temp.mia $$,
  '42501', null, 'the service role cannot insert history rows (no privilege)');
select tests.clear_authentication();
grant insert on public.peer_mentor_status_history to service_role;
select tests.authenticate_as_service_role();
select throws_ok(
  $$ select set_config('app.history_backfill', txid_current()::text, true);
     insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status) select id, 'active', 'paused' from pg_temp.mia $$,
  'PM202', null, 'even granted INSERT and with the opt-in set, the service role is refused: the opt-in is the owner''s');
select tests.clear_authentication();
select set_config('app.history_backfill', '', true);
revoke insert on public.peer_mentor_status_history from service_role;

select is(pg_temp.mia_history(), 1::bigint, 'the refused inserts left only Mia''s first row (written by the trigger)');

-- The triggers still write it: a change by the mentor herself, and a bulk change (the statement path for
-- more than 100 rows).
select tests.authenticate_as(tests.uuid('writer mia'));
update public.peer_mentors set status = 'paused', status_reason = 'exams' where user_id = tests.uuid('writer mia');
select tests.clear_authentication();
select results_eq(
  $$ select previous_status, new_status, changed_by, reason from public.peer_mentor_status_history
      where mentor_id = (select id from pg_temp.mia) order by changed_at desc, id desc limit 1 $$,
  $$ values ('active'::public.mentor_status, 'paused'::public.mentor_status, tests.uuid('writer mia'), 'exams'::text) $$,
  'a mentor''s own change is still recorded by the trigger');

select tests.create_mentor(tests.create_user('writer bulk ' || n)) from generate_series(1, 120) n;
update public.peer_mentors set status = 'paused', status_reason = 'bulk'
 where user_id in (select tests.uuid('writer bulk ' || n) from generate_series(1, 120) n);
select is(
  (select count(*) from public.peer_mentor_status_history h join public.peer_mentors pm on pm.id = h.mentor_id
    where pm.user_id in (select tests.uuid('writer bulk ' || n) from generate_series(1, 120) n) and h.reason = 'bulk'),
  120::bigint, 'a bulk UPDATE of 120 mentors still writes its 120 rows');

-- A backfill opts in: the owner, transaction-local.
select lives_ok(
  $$ select set_config('app.history_backfill', txid_current()::text, true);
     insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
     select id, 'paused', 'active', '2099-01-01', 'backfilled' from pg_temp.mia $$,
  'the owner may insert once it opts in with set_config(''app.history_backfill'', txid_current()::text, true)');
select is((select count(*) from public.peer_mentor_status_history where reason = 'backfilled'), 1::bigint,
  'the backfilled row is there');
select set_config('app.history_backfill', '', true);
select throws_ok(
  $$ insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status) select id, 'active', 'paused' from pg_temp.mia $$,
  'PM202', null, 'with the setting cleared, the owner is refused again');

select * from finish();
rollback;
