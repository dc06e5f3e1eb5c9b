-- Tamper evidence (contract): a deleted row, a row inserted between others, rows reordered and a history
-- shortened and continued are reported, naming the mentor; each made by the owner around the triggers, with
-- them disabled and in replica mode. With every proof of the chain recomputed afterwards (an attacker who knows
-- the scheme), only the digest taken before catches it: that is checked too.
begin;
select plan(26);

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

-- Edits the other checks cannot see: made after the last digest, the statuses still following each other and the
-- last row unchanged, each edited row with a valid proof of its own. Only the chain of proofs catches them (a row's
-- proof covers its predecessor's). Mia changes four more times after the fixture's digest (rows 6 to 9).
update public.peer_mentors set status = 'paused', status_reason = 'again' where user_id = tests.uuid('tamper mia');
update public.peer_mentors set status = 'active', status_reason = 'again' where user_id = tests.uuid('tamper mia');
update public.peer_mentors set status = 'paused', status_reason = 'again' where user_id = tests.uuid('tamper mia');
update public.peer_mentors set status = 'active', status_reason = 'again' where user_id = tests.uuid('tamper mia');
-- A row slipped in right after row p_after, its proof computed over p_after's (as the scheme says).
create function pg_temp.forge_after(p_after bigint, p_previous public.mentor_status, p_new public.mentor_status)
returns bigint language plpgsql volatile as $f$
declare
  v_id bigint := pg_catalog.nextval('public.peer_mentor_status_history_id_seq');
  a public.peer_mentor_status_history;
  v_at timestamptz;
begin
  select * into a from public.peer_mentor_status_history where id = p_after;
  select a.changed_at + (pg_catalog.min(n.changed_at) - a.changed_at) / 3 into v_at
    from public.peer_mentor_status_history n where n.mentor_id = a.mentor_id and n.changed_at > a.changed_at;
  insert into public.peer_mentor_status_history (id, mentor_id, previous_status, new_status, changed_at, reason, proof_origin, proof)
  overriding system value
  values (v_id, a.mentor_id, p_previous, p_new, v_at, 'again', 'trigger',
          private.status_history_proof(a.proof, v_id, a.mentor_id, p_previous, p_new, v_at, 'again', null, null, 'trigger'));
  return v_id;
end
$f$;
create temporary table quiet_attacks (what text, attack text) on commit drop;
insert into quiet_attacks values
  ('a pair of rows deleted',
   pg_catalog.format('delete from public.peer_mentor_status_history where id in (%s, %s)', tests.tamper_row('mia', 7), tests.tamper_row('mia', 8))),
  ('a pair of rows slipped in with proofs of their own',
   pg_catalog.format($a$select pg_temp.forge_after(pg_temp.forge_after(%s, 'paused', 'active'), 'active', 'paused')$a$, tests.tamper_row('mia', 6))),
  ('two pairs of rows swapped',
   pg_catalog.format($a$update public.peer_mentor_status_history h set changed_at = l.changed_at + interval '1 millisecond' * (h.id - %1$s + 1)
                         from public.peer_mentor_status_history l
                        where l.id = %3$s and h.id in (%1$s, %2$s)$a$, tests.tamper_row('mia', 6), tests.tamper_row('mia', 7), tests.tamper_row('mia', 9)));
select ok(
  exists (select 1 from tests.tamper(m.mode, a.attack) t
           where t.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper mia')) and t.problem like '%proof%'),
  pg_catalog.format('%s after the last digest, the statuses still following each other (%s): caught by the proofs', a.what, m.mode))
  from quiet_attacks a cross join (values ('disabled'), ('replica')) as m(mode);

select * from finish();
rollback;
