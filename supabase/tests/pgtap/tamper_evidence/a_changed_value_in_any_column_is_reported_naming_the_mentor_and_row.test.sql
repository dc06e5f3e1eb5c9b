-- Tamper evidence (contract): a changed value in any column of a history row is reported, naming the mentor and
-- the row, changed_by / job_run_id cleared while their user / job run still exists included. Each edit is made
-- by the owner around the triggers, once with them disabled and once in replica mode (tests.tamper).
begin;
select plan(25);

create temporary table fixture on commit drop as select tests.tamper_fixture() as digest;
select is((select count(*) from public.verify_status_history()), 0::bigint, 'the fixture verifies clean');
select is((select count(*) from public.verify_status_history((select digest from fixture))), 0::bigint, 'and against its digest');

select ok(
  exists (select 1 from tests.tamper(m.mode, pg_catalog.format(a.attack, tests.tamper_row('mia', a.n))) t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper mia')) and t.history_id = tests.tamper_row('mia', a.n)
             and t.problem like a.expected),
  pg_catalog.format('%s (%s) is reported for Mia''s row %s', a.what, m.mode, a.n))
  from (values
    ('reason changed', 2, 'update public.peer_mentor_status_history set reason = ''forged'' where id = %s', '%proof%'),
    ('previous_status changed', 3, 'update public.peer_mentor_status_history set previous_status = ''inactive'' where id = %s', '%proof%'),
    ('new_status changed', 5, 'update public.peer_mentor_status_history set new_status = ''inactive'' where id = %s', '%proof%'),
    ('changed_at changed', 2, 'update public.peer_mentor_status_history set changed_at = changed_at - interval ''1 microsecond'' where id = %s', '%proof%'),
    ('changed_by changed to another user', 2,
      'update public.peer_mentor_status_history set changed_by = tests.uuid(''tamper carl'') where id = %s', '%changed_by is not the user%'),
    ('changed_by cleared while the user exists', 2,
      'update public.peer_mentor_status_history set changed_by = null where id = %s', '%changed_by was cleared while that user still exists%'),
    ('job_run_id cleared while the job run exists', 4,
      'update public.peer_mentor_status_history set job_run_id = null where id = %s', '%job_run_id was cleared while that job run still exists%'),
    ('proof_origin changed', 1, 'update public.peer_mentor_status_history set proof_origin = ''backfill'' where id = %s', '%proof%'),
    ('actor pseudonym changed with the actor', 2,
      'update public.peer_mentor_status_history set changed_by = tests.uuid(''tamper carl''), changed_by_pseudonym = private.status_history_pseudonym(tests.uuid(''tamper carl'')) where id = %s', '%proof%'),
    ('the row moved to another mentor', 3,
      'update public.peer_mentor_status_history set mentor_id = tests.uuid(''mentor:'' || tests.uuid(''tamper max'')) where id = %s', '%')
  ) as a(what, n, attack, expected)
  cross join (values ('disabled'), ('replica')) as m(mode)
 where a.what <> 'the row moved to another mentor';

-- A row moved to another mentor: reported on both chains.
select ok(
  (select count(distinct t.mentor_id) from tests.tamper(m.mode,
     pg_catalog.format('update public.peer_mentor_status_history set mentor_id = tests.uuid(''mentor:'' || tests.uuid(''tamper max'')) where id = %s',
                       tests.tamper_row('mia', 3))) t) = 2,
  pg_catalog.format('a row moved to another mentor (%s) is reported on both mentors'' chains', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

-- The proof removed: an edit made together with a recomputed proof chain is still caught by the digest.
select ok(
  exists (select 1 from tests.tamper(m.mode,
            pg_catalog.format('update public.peer_mentor_status_history set reason = ''forged'' where id = %s; select tests.reprove_chain(tests.uuid(''mentor:'' || tests.uuid(''tamper mia'')))',
                              tests.tamper_row('mia', 2)),
            (select digest from fixture)) t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper mia')) and t.problem like '%no longer extends digest%'),
  pg_catalog.format('an edit with every proof of the chain recomputed (%s) is reported against the digest', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

select is((select count(*) from public.verify_status_history()), 0::bigint, 'every attack was undone: the history verifies clean again');

select * from finish();
rollback;
