-- The append-only rule covers what the proof added: with the triggers on, the owner cannot rewrite a history
-- row's proof, its proof_origin or its actor pseudonyms (PM201), and the row stays as it was. (Around the
-- triggers, verify_status_history() reports such an edit: supabase/tests/pgtap/tamper_evidence/.)
begin;
select plan(5);

select tests.create_mentor(tests.create_user('petra'));
update public.peer_mentors set status = 'paused', status_reason = 'proof kept' where id = tests.uuid('mentor:' || tests.uuid('petra'));

create temporary table original on commit drop as
select * from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('petra'));

select throws_ok(
  $$ update public.peer_mentor_status_history set proof = pg_catalog.sha256('forged'::bytea)
      where mentor_id = tests.uuid('mentor:' || tests.uuid('petra')) $$,
  'PM201', null,
  'the owner cannot rewrite a row''s proof');

select throws_ok(
  $$ update public.peer_mentor_status_history set proof_origin = 'backfill'
      where mentor_id = tests.uuid('mentor:' || tests.uuid('petra')) $$,
  'PM201', null,
  'nor its proof_origin');

select throws_ok(
  $$ update public.peer_mentor_status_history set changed_by_pseudonym = pg_catalog.sha256('someone else'::bytea)
      where mentor_id = tests.uuid('mentor:' || tests.uuid('petra')) and new_status = 'paused' $$,
  'PM201', null,
  'nor the pseudonym of who made the change');

select throws_ok(
  $$ update public.peer_mentor_status_history set job_run_pseudonym = pg_catalog.sha256('a job'::bytea)
      where mentor_id = tests.uuid('mentor:' || tests.uuid('petra')) $$,
  'PM201', null,
  'nor the pseudonym of a job run');

select set_eq(
  $$ select * from public.peer_mentor_status_history where mentor_id = tests.uuid('mentor:' || tests.uuid('petra')) $$,
  $$ select * from original $$,
  'the rows are unchanged');

select * from finish();
rollback;
