-- Tamper evidence (contract): what the database itself does is never reported: a mentor's erasure and its
-- cascade (recorded when it happens: when, by whom, without the erased content), changed_by / job_run_id set
-- null by their foreign keys, and rows backfilled through the owner's opt-in (which carry a proof and are told
-- apart by proof_origin).
begin;
select plan(10);

create temporary table fixture on commit drop as select tests.tamper_fixture() as digest;

-- Erasure: Max deleted by the service role.
select tests.authenticate_as_service_role();
delete from public.peer_mentors where id = tests.uuid('mentor:' || tests.uuid('tamper max'));
select tests.clear_authentication();
select results_eq(
  $$ select mentor_id, erased_by_role, history_rows, erased_by from public.status_history_erasures
      where mentor_id = tests.uuid('mentor:' || tests.uuid('tamper max')) $$,
  $$ values (tests.uuid('mentor:' || tests.uuid('tamper max')), 'service_role'::text, 3::bigint, null::uuid) $$,
  'the erasure is recorded: which mentor, by whom, how many rows went');
select is((select count(*) from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('tamper max'))),
  0::bigint, 'its history cascaded');
select is((select count(*) from public.verify_status_history()), 0::bigint, 'the erasure is not reported');
select is((select count(*) from public.verify_status_history((select digest from fixture))), 0::bigint,
  'nor against a digest taken while Max existed');
select throws_ok($$ delete from public.status_history_erasures $$, 'PM602', null, 'erasure records are append-only');

-- Foreign keys' SET NULL: Mia's job run and Mia's own user deleted (the user's deletion erases Mia too: her
-- mentor row cascades from it), so Carl changes Max... here: a job run deleted.
delete from public.job_runs where id = tests.uuid('tamper job');
select is((select count(*) from public.peer_mentor_status_history where job_run_id is null and job_run_pseudonym is not null),
  1::bigint, 'the job run''s deletion set job_run_id null on its history row');
-- A user deleted whose changes are on another mentor's history: Carl pauses Mia as her coordinator... simpler:
-- the service role records Carl as the actor of a change (request.jwt.claims sub), then Carl is deleted.
select set_config('request.jwt.claims', json_build_object('sub', tests.uuid('tamper carl'))::text, true);
update public.peer_mentors set status = 'paused', status_reason = 'by carl' where id = tests.uuid('mentor:' || tests.uuid('tamper mia'));
select set_config('request.jwt.claims', '', true);
delete from auth.users where id = tests.uuid('tamper carl');
select is((select count(*) from public.peer_mentor_status_history where reason = 'by carl' and changed_by is null and changed_by_pseudonym is not null),
  1::bigint, 'Carl''s deletion set changed_by null on his row');

-- A backfill through the owner's opt-in.
select set_config('app.history_backfill', txid_current()::text, true);
insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason)
values (tests.uuid('mentor:' || tests.uuid('tamper mia')), 'paused', 'active', now() + interval '1 day', 'backfilled');
select set_config('app.history_backfill', '', true);
update public.peer_mentors set status = 'active', status_reason = 'backfilled' where id = tests.uuid('mentor:' || tests.uuid('tamper mia'))
   and false; -- (the mentor row is the app's; the backfill wrote history only)
select is((select proof_origin from public.peer_mentor_status_history where reason = 'backfilled'), 'backfill',
  'the backfilled row carries a proof marked proof_origin = backfill');

-- Mia's current status is the backfilled row's: bring her row in line as a backfill would (triggers off for it).
alter table public.peer_mentors disable trigger user;
update public.peer_mentors set status = 'active', status_reason = 'backfilled' where id = tests.uuid('mentor:' || tests.uuid('tamper mia'));
alter table public.peer_mentors enable trigger user;
select is((select count(*) from public.verify_status_history()), 0::bigint, 'foreign keys'' set null and the backfill are not reported');
select is((select count(*) from public.verify_status_history((select digest from fixture))), 0::bigint, 'nor against the digest taken before them');

select * from finish();
rollback;
