-- A claim whose first candidates are all lapsed last attempts (their workers died on the last attempt) sets them
-- aside as dead and still hands out the notifications behind them: an empty claim means nothing is due, which
-- is when `npm run dispatch` stops draining.
begin;
select plan(3);

-- Set aside pending notifications outside this file's fixtures (rolled back at the end).
update public.coordinator_notifications set dispatched_at = '2000-01-01' where dispatched_at is null;

do $$
declare
  v_oslo uuid := tests.create_chapter(tests.create_organization('head nordic'), 'head oslo');
begin
  perform tests.add_membership(v_oslo, tests.create_user('head cora'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('head colin'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('head carl'), 'coordinator');
  perform tests.add_membership(v_oslo, tests.create_user('head mia'), 'peer_mentor');
  perform tests.create_mentor(tests.uuid('head mia'));
end;
$$;
update public.peer_mentors set status = 'paused' where user_id = tests.uuid('head mia');
select set_config('app.notification_max_attempts', '1', true);

create temporary table queued on commit drop as
select id, row_number() over (order by id) as k from public.coordinator_notifications where dispatched_at is null;
grant select on queued to service_role;

-- The first two are claimed by a worker that dies on their one and only attempt.
select tests.authenticate_as_service_role();
select is((select count(*) from public.claim_coordinator_notifications(2, '5 minutes')), 2::bigint,
  'fixture: a worker claims the first two notifications');
select tests.clear_authentication();
update public.coordinator_notifications set claimed_at = claimed_at - interval '6 minutes'
 where id in (select id from pg_temp.queued where k <= 2);

select tests.authenticate_as_service_role();
select results_eq($$ select id from public.claim_coordinator_notifications(2, '5 minutes') $$,
  $$ select id from pg_temp.queued where k = 3 $$,
  'the next claim of two sets the two lapsed last attempts aside and hands out the third');
select tests.clear_authentication();
select set_eq($$ select id from public.coordinator_notifications where dead_at is not null $$,
  $$ select id from pg_temp.queued where k <= 2 $$,
  'the two lapsed last attempts are dead');

select * from finish();
rollback;
