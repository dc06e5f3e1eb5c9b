-- Tamper evidence (contract): a digest kept outside catches an owner who rewrote both the history and the
-- digests table: the table no longer reproduces the digest's root, or the digest is gone from it.
begin;
select plan(9);

create temporary table fixture on commit drop as select tests.tamper_fixture() as digest;

-- Rewrite Mia's history (her 3rd and 4th rows deleted, the chain re-proven: her statuses still follow each other), then rewrite the digest's stored head for Mia to
-- match and recompute the stored root: the table agrees with itself, not with the digest kept outside.
create temporary table rewrite on commit drop as
select pg_catalog.format($a$
  delete from public.peer_mentor_status_history where id in (%1$s, %3$s);
  select tests.reprove_chain(tests.uuid('mentor:' || tests.uuid('tamper mia')));
  delete from private.status_history_digest_heads where digest_id = %2$s and mentor_id = tests.uuid('mentor:' || tests.uuid('tamper mia'));
  insert into private.status_history_digest_heads (digest_id, mentor_id, last_history_id, history_rows, last_proof)
  select %2$s, h.mentor_id, h.id, 3, h.proof from public.peer_mentor_status_history h
   where h.mentor_id = tests.uuid('mentor:' || tests.uuid('tamper mia')) order by h.changed_at desc, h.id desc limit 1;
  update public.status_history_digests d
     set digest = d.digest || jsonb_build_object('root', encode(private.status_history_digest_root(d.id, d.taken_at, d.history_rows - 2,
                   d.erasures, d.last_history_id, d.last_erasure_id, decode(d.digest ->> 'previous_root', 'hex'),
                   private.status_history_heads_hash(d.id), private.status_history_erasures_hash(
                     coalesce((select p.last_erasure_id from public.status_history_digests p where p.id < d.id order by p.id desc limit 1), 0),
                     d.last_erasure_id)), 'hex')),
         history_rows = d.history_rows - 2
   where d.id = %2$s$a$, tests.tamper_row('mia', 3), (select (digest ->> 'digest_id')::bigint from fixture), tests.tamper_row('mia', 4)) as attack;

select ok(
  exists (select 1 from tests.tamper(m.mode, (select attack from rewrite), (select digest from fixture)) t
           where t.mentor_id is null and t.problem like 'digest %'),
  pg_catalog.format('history and digests table rewritten together (%s): the digest kept outside is not reproduced', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

select is(
  (select count(*) from tests.tamper(m.mode, (select attack from rewrite)) t),
  0::bigint,
  pg_catalog.format('(%s) without the digest kept outside, the rewrite goes unseen: why digests must leave the database', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

select ok(
  exists (select 1 from tests.tamper(m.mode,
            pg_catalog.format('delete from public.status_history_digests where id = %s', (select (digest ->> 'digest_id')::bigint from fixture)),
            (select digest from fixture)) t
           where t.mentor_id is null and t.problem like '%not in status_history_digests%'),
  pg_catalog.format('the digest deleted from the table (%s) is reported', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

-- The roots are chained: a newer digest kept outside also catches an older digest rewritten in the table to match
-- a rewritten history, even where the newer digest holds no head of that mentor (only Max changed since).
update public.peer_mentors set status = 'paused', status_reason = 'later' where user_id = tests.uuid('tamper max');
create temporary table newer on commit drop as select public.status_history_digest() as digest;
select ok(
  exists (select 1 from tests.tamper(m.mode, (select attack from rewrite), (select digest from newer)) t
           where t.mentor_id is null and t.problem like 'digest %'),
  pg_catalog.format('an older digest rewritten with the history (%s): the newer digest kept outside is not reproduced (its root covers the older root)', m.mode))
  from (values ('disabled'), ('replica')) as m(mode);

select throws_ok($$ select * from public.verify_status_history('{"version": 1, "digest_id": "x"}') $$, 'PM601', null,
  'a malformed digest is a clear error (PM601)');

select * from finish();
rollback;
