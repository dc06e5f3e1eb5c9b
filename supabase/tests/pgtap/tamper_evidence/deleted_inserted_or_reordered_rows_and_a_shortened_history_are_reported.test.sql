-- Tamper evidence (contract): a deleted row, a row inserted between others, rows reordered and a history
-- shortened and continued are reported, naming the mentor; each made by the owner around the triggers, with
-- them disabled and in replica mode. With every proof of the chain recomputed afterwards (an attacker who knows
-- the scheme), only the digest taken before catches it: that is checked too.
begin;
select plan(20);

create temporary table fixture on commit drop as select tests.tamper_fixture() as digest;
create temporary table attacks (what text, attack text) on commit drop;
insert into attacks values
  ('a deleted middle row',
   pg_catalog.format('delete from public.peer_mentor_status_history where id = %s', tests.tamper_row('mia', 3))),
  ('a deleted last row',
   pg_catalog.format('delete from public.peer_mentor_status_history where id = %s', tests.tamper_row('mia', 5))),
  ('a row inserted between others',
   pg_catalog.format($a$insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason, proof_origin)
                      select mentor_id, new_status, 'inactive', changed_at + interval '1 microsecond', 'slipped in', 'trigger'
                        from public.peer_mentor_status_history where id = %s$a$, tests.tamper_row('mia', 2))),
  ('rows reordered',
   pg_catalog.format($a$update public.peer_mentor_status_history h set changed_at = o.changed_at
                         from public.peer_mentor_status_history o
                        where (h.id, o.id) in ((%1$s, %2$s), (%2$s, %1$s))$a$, tests.tamper_row('mia', 2), tests.tamper_row('mia', 3))),
  ('a history shortened and continued',
   pg_catalog.format($a$delete from public.peer_mentor_status_history where id in (%s, %s, %s);
                       insert into public.peer_mentor_status_history (mentor_id, previous_status, new_status, changed_at, reason, proof_origin)
                       select mentor_id, new_status, 'active', pg_catalog.clock_timestamp(), 'renewed', 'trigger'
                         from public.peer_mentor_status_history where id = %s$a$,
                     tests.tamper_row('mia', 3), tests.tamper_row('mia', 4), tests.tamper_row('mia', 5), tests.tamper_row('mia', 2)));

-- As made (proofs left as they are, or missing on inserted rows): every row is checked against its proof.
select ok(
  exists (select 1 from tests.tamper(m.mode, a.attack) t where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper mia'))),
  pg_catalog.format('%s (%s) is reported for Mia', a.what, m.mode))
  from attacks a cross join (values ('disabled'), ('replica')) as m(mode);

-- With every proof of Mia's chain recomputed afterwards: reported against the digest taken before.
select ok(
  exists (select 1 from tests.tamper(m.mode,
            a.attack || '; select tests.reprove_chain(tests.uuid(''mentor:'' || tests.uuid(''tamper mia'')))',
            (select digest from fixture)) t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper mia'))
             and t.problem like '%digest%'),
  pg_catalog.format('%s with the chain re-proven (%s) is reported against the digest', a.what, m.mode))
  from attacks a cross join (values ('disabled'), ('replica')) as m(mode);

select * from finish();
rollback;
