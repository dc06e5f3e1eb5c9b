// The responsibility relation stays exact whatever the caller's isolation level (contract, "Who may do what"),
// its lock cannot be taken by an API role, and a new mentor with memberships waits for it. Two sessions race
// on the demo-shaped fixture below; after every race `private.responsibility_differences()` must be empty.
//
//   * The review's race: session 1 (READ COMMITTED) makes Ida coordinator of Tromsø and holds the relation's
//     lock; session 2 (REPEATABLE READ or SERIALIZABLE, snapshot already taken) adds a mentor to Tromsø. Session
//     2 cannot be exact (its snapshot misses Ida): it must be refused with PM701 and change nothing.
//   * The same with a sign-up: a mentor whose user has no membership yet signs up (READ COMMITTED, committed
//     after session 2's snapshot), then session 2 adds that user to a chapter: refused with PM701.
//   * The same with a new mentor: its user's membership committed after session 2's snapshot, then session 2
//     inserts the mentor: refused with PM701 (a look at the old snapshot would find no membership).
//   * No false refusal: session 2 at REPEATABLE READ with nothing committed since its snapshot succeeds, exact.
//   * A new mentor whose user already has a membership is computed under the relation's lock: while session 1
//     adds the chapter's first coordinator (uncommitted), the insert waits, then sees that coordinator.
//   * The lock is private: authenticated cannot lock its row, and holding the old advisory key stalls nothing.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const id = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const NORDIC = id('a', 0x700);
const OSLO = id('b', 0x701);
const TROMSO = id('b', 0x702);
const CORA = id('c', 0x701); // coordinator of Oslo
const COLIN = id('c', 0x702); // coordinator of Oslo
const IDA = id('c', 0x703); // becomes coordinator of Tromsø
const TOR = id('c', 0x704); // mentor of Tromsø (organisation fallback until Ida)
const NEW_MENTOR = id('c', 0x705); // a mentor, added to Tromsø by session 2
const SIGNUP = id('c', 0x706); // signs up during the race

let db: TestDatabase;
let owner: pg.Client;

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url, application_name: 'responsibility isolation test' });
  await c.connect();
  await c.query(`set statement_timeout = '30s'; set lock_timeout = '20s'`);
  return c;
}

async function differences(): Promise<unknown[]> {
  return (await owner.query('select side, mentor_id, coordinator_id from private.responsibility_differences() order by 2, 3')).rows;
}

/** Waits until `pid` is blocked on a lock (so the race really happened in the intended order). */
async function waitUntilBlocked(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await owner.query<{ waiting: boolean }>(
      `select wait_event_type = 'Lock' as waiting from pg_stat_activity where pid = $1`, [pid]);
    if (rows[0]?.waiting) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

async function pid(c: pg.Client): Promise<number> {
  return (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
}

async function reset(): Promise<void> {
  await owner.query(`
    delete from public.chapter_memberships where chapter_id in ($1, $2);
    delete from public.peer_mentors where user_id in ($3, $4, $5, $6, $7);
  `.replace(/\$(\d)/g, (_, n) => `'${[OSLO, TROMSO, TOR, NEW_MENTOR, SIGNUP, IDA, CORA][Number(n) - 1]}'`));
  await owner.query(`
    insert into public.chapter_memberships (chapter_id, user_id, role) values
      ('${OSLO}', '${CORA}', 'coordinator'), ('${OSLO}', '${COLIN}', 'coordinator'), ('${TROMSO}', '${TOR}', 'peer_mentor');
    insert into public.peer_mentors (user_id) values ('${TOR}'), ('${NEW_MENTOR}');
  `);
  assert.deepEqual(await differences(), [], 'fixture: the relation is exact before the race');
}

before(async () => {
  db = await createTestDatabase('responsibility_isolation');
  owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  await owner.query(`insert into public.organizations (id, name) values ('${NORDIC}', 'Isolation Nordic')`);
  await owner.query(`insert into public.chapters (id, organization_id, name) values ('${OSLO}', '${NORDIC}', 'Isolation Oslo'), ('${TROMSO}', '${NORDIC}', 'Isolation Tromsø')`);
  for (const u of [CORA, COLIN, IDA, TOR, NEW_MENTOR, SIGNUP]) {
    await owner.query(`with a as (insert into auth.users (id, email) values ($1, $2) returning id)
                       insert into public.users (id, full_name, email) select id, 'I ' || right(id::text, 3), $2 from a`, [u, `${u}@isolation.invalid`]);
  }
});
beforeEach(reset);
after(async () => {
  await owner?.end();
  await db?.drop();
});

for (const level of ['repeatable read', 'serializable'] as const) {
  describe(`a maintainer at ${level.toUpperCase()}`, () => {
    test('whose snapshot misses a coordinator committed while it waited for the lock is refused with PM701, and the relation stays exact', async () => {
      const s1 = await connect();
      const s2 = await connect();
      try {
        const s2pid = await pid(s2);
        await s2.query(`begin isolation level ${level}`);
        await s2.query('select count(*) from public.chapter_memberships'); // the snapshot is taken here
        await s1.query('begin');
        await s1.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${IDA}', 'coordinator')`);
        // Session 2 adds a mentor to Tromsø: it must wait for session 1's lock.
        const adding = s2.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${NEW_MENTOR}', 'peer_mentor')`)
          .then(() => null, (e: { code?: string }) => e);
        assert.ok(await waitUntilBlocked(s2pid), 'session 2 waits for the relation\'s lock held by session 1');
        await s1.query('commit');
        const error = await adding;
        if (error) {
          assert.equal((error as { code?: string }).code, 'PM701', `refused with PM701, got ${String(error)}`);
          await s2.query('rollback');
          const { rows } = await owner.query(`select 1 from public.chapter_memberships where user_id = '${NEW_MENTOR}'`);
          assert.equal(rows.length, 0, 'the refused change changed nothing');
        } else {
          await s2.query('commit');
        }
        assert.deepEqual(await differences(), [], 'after both, the relation equals its definition');
        assert.ok(error, `session 2 cannot be exact at ${level}: it must be refused`);
      } finally {
        await s1.end();
        await s2.end();
      }
    });

    test('whose snapshot misses a sign-up committed after it is refused with PM701 when it adds that user', async () => {
      const s1 = await connect();
      const s2 = await connect();
      try {
        // Tromsø gets its coordinator first (committed before session 2 starts).
        await owner.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${IDA}', 'coordinator')`);
        await s2.query(`begin isolation level ${level}`);
        await s2.query('select count(*) from public.peer_mentors');
        await s1.query(`insert into public.peer_mentors (user_id) values ('${SIGNUP}')`); // a sign-up, committed
        const error = await s2.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${SIGNUP}', 'peer_mentor')`)
          .then(() => null, (e: { code?: string }) => e);
        if (error) {
          assert.equal((error as { code?: string }).code, 'PM701', `refused with PM701, got ${String(error)}`);
          await s2.query('rollback');
        } else {
          await s2.query('commit');
        }
        assert.deepEqual(await differences(), [], 'after both, the relation equals its definition');
      } finally {
        await s1.end();
        await s2.end();
      }
    });

    test('that adds a mentor whose user got a membership after its snapshot is refused with PM701, and the relation stays exact', async () => {
      const s2 = await connect();
      try {
        // Tromsø has its coordinator (committed before session 2 starts); the user's membership is committed
        // after session 2's snapshot, so a "does the user have a membership" look at that snapshot says no.
        await owner.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${IDA}', 'coordinator')`);
        await s2.query(`begin isolation level ${level}`);
        await s2.query('select count(*) from public.chapter_memberships');
        await owner.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${SIGNUP}', 'peer_mentor')`);
        const error = await s2.query(`insert into public.peer_mentors (user_id) values ('${SIGNUP}')`)
          .then(() => null, (e: { code?: string }) => e);
        if (error) {
          assert.equal((error as { code?: string }).code, 'PM701', `refused with PM701, got ${String(error)}`);
          await s2.query('rollback');
          const { rows } = await owner.query(`select 1 from public.peer_mentors where user_id = '${SIGNUP}'`);
          assert.equal(rows.length, 0, 'the refused insert changed nothing');
        } else {
          await s2.query('commit');
        }
        assert.deepEqual(await differences(), [], 'after both, the relation equals its definition (the new mentor is Ida\'s)');
      } finally {
        await s2.end();
      }
    });

    test('with nothing committed since its snapshot is not refused, and is exact', async () => {
      const s2 = await connect();
      try {
        await s2.query(`begin isolation level ${level}`);
        await s2.query('select count(*) from public.chapter_memberships');
        await s2.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${IDA}', 'coordinator')`);
        await s2.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${NEW_MENTOR}', 'peer_mentor')`);
        await s2.query(`insert into public.peer_mentors (user_id) values ('${SIGNUP}')`);
        await s2.query('commit');
        assert.deepEqual(await differences(), []);
        const { rows } = await owner.query(`select c as coordinator_id from public.coordinators_for_mentor((select id from public.peer_mentors where user_id = '${NEW_MENTOR}')) c`);
        assert.deepEqual(rows.map((r) => r.coordinator_id), [IDA], 'the new mentor is Ida\'s');
      } finally {
        await s2.end();
      }
    });
  });
}

test('a new mentor whose user already has a membership waits for the relation\'s lock, then sees the chapter\'s new coordinator', async () => {
  const s1 = await connect();
  const s2 = await connect();
  try {
    await owner.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${SIGNUP}', 'peer_mentor')`);
    const s2pid = await pid(s2);
    await s1.query('begin');
    await s1.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${IDA}', 'coordinator')`);
    const inserting = s2.query(`insert into public.peer_mentors (user_id) values ('${SIGNUP}')`);
    const waited = await waitUntilBlocked(s2pid);
    await s1.query('commit');
    await inserting;
    assert.deepEqual(await differences(), [], 'the new mentor is looked after by Ida, not by the organisation fallback');
    assert.ok(waited, 'the insert waited for the relation\'s lock');
  } finally {
    await s1.end();
    await s2.end();
  }
});

test('an API role cannot take the relation\'s lock, and the old advisory key stalls nothing', async () => {
  const api = await connect();
  try {
    await api.query('begin');
    await api.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: CORA, role: 'authenticated' })]);
    await assert.rejects(api.query('select * from private.responsibility_guard for update'), { code: '42501' });
    await api.query('rollback');
    await api.query('begin');
    await api.query(`select set_config('role', 'authenticated', true)`);
    await api.query('select pg_advisory_xact_lock(20557, 1)');
    await owner.query(`set lock_timeout = '2s'`);
    await owner.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ('${TROMSO}', '${IDA}', 'coordinator')`);
    await owner.query(`reset lock_timeout`);
    assert.deepEqual(await differences(), []);
  } finally {
    await api.query('rollback').catch(() => {});
    await api.end();
  }
});
