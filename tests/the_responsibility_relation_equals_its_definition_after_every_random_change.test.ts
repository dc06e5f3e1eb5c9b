// The responsibility relation stays equal to the contract's definition computed from scratch, through long
// random sequences of every change that can move it, single-row and bulk, and with two connections changing
// the same chapter at once.
//
// After every step: `select * from private.responsibility_differences()` (maintained relation vs the
// definition recomputed from the base tables) must be empty. The sequence is drawn by a seeded PRNG
// (RESPONSIBILITY_SEED), so a failure names a reproducible step. The last test breaks the maintenance by hand
// (one trigger disabled) and checks that the same comparison then finds differences: the oracle can fail.
//
// The sequence also truncates (the memberships, reloaded without one user in the same transaction, as a CSV
// import does; or the chapters, cascading, and both reloaded), and now and then a second connection writes at
// REPEATABLE READ with a snapshot taken before the step: it is either exact or refused (PM701, or an ordinary
// serialization failure / key conflict of its own statement), and the relation equals its definition after it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const USAGE = 'Usage: [RESPONSIBILITY_SEED=<non-negative integer>] [RESPONSIBILITY_STEPS=<n>] npm test -- tests/the_responsibility_relation_equals_its_definition_after_every_random_change.test.ts';
const env = z
  .object({
    RESPONSIBILITY_SEED: z.coerce.number().int().nonnegative().default(20261201),
    RESPONSIBILITY_STEPS: z.coerce.number().int().positive().default(600),
  })
  .safeParse(process.env);
if (!env.success) throw new Error(`${env.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
const { RESPONSIBILITY_SEED: SEED, RESPONSIBILITY_STEPS: STEPS } = env.data;

const id = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const ORGS = [1, 2, 3].map((n) => id('a', 0x900 + n));
const CHAPTERS = [1, 2, 3, 4, 5, 6].map((n) => id('b', 0x900 + n));
const USERS = Array.from({ length: 14 }, (_, i) => id('c', 0x900 + i + 1));
const ROLES = ['peer_mentor', 'coordinator'] as const;

/** mulberry32: small, seeded, good enough to pick operations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let db: TestDatabase;
let client: pg.Client;

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: 'responsibility test' });
  await c.connect();
  await c.query(`set statement_timeout = '30s'; set lock_timeout = '20s'`);
  return c;
}

async function differences(c: pg.ClientBase): Promise<Array<{ side: string; mentor_id: string; coordinator_id: string }>> {
  return (await c.query('select side, mentor_id, coordinator_id from private.responsibility_differences() order by 2, 3')).rows;
}

async function createUser(c: pg.ClientBase, userId: string): Promise<void> {
  await c.query(
    `with a as (insert into auth.users (id, email) values ($1, $2) on conflict (id) do nothing returning id)
     insert into public.users (id, full_name, email) select id, 'R ' || right(id::text, 4), $2 from a`,
    [userId, `${userId}@responsibility.invalid`],
  );
}

async function seed(c: pg.ClientBase): Promise<void> {
  for (const [i, org] of ORGS.entries()) {
    await c.query('insert into public.organizations (id, name) values ($1, $2)', [org, `Responsibility org ${i + 1}`]);
  }
  for (const [i, chapter] of CHAPTERS.entries()) {
    await c.query('insert into public.chapters (id, organization_id, name) values ($1, $2, $3)', [chapter, ORGS[i % 2], `R chapter ${i + 1}`]);
  }
  for (const user of USERS) await createUser(c, user);
  // Half the users are mentors from the start.
  await c.query('insert into public.peer_mentors (user_id) select unnest($1::uuid[])', [USERS.filter((_, i) => i % 2 === 0)]);
}

type Step = { kind: string; sql: string; params: unknown[]; truncate?: 'memberships' | 'chapters' };

function drawStep(rnd: () => number): Step {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const some = <T,>(xs: readonly T[], n: number): T[] => Array.from({ length: n }, () => pick(xs));
  const r = rnd();
  const chapter = pick(CHAPTERS);
  const user = pick(USERS);
  // Coordinators are drawn more often than their share, so chapters keep gaining and losing them.
  const role = rnd() < 0.45 ? 'coordinator' : 'peer_mentor';
  if (r < 0.16) {
    return {
      kind: 'membership added or re-activated',
      sql: `insert into public.chapter_memberships (chapter_id, user_id, role, is_active) values ($1, $2, $3, $4)
            on conflict (chapter_id, user_id, role) do update set is_active = excluded.is_active`,
      params: [chapter, user, role, rnd() < 0.85],
    };
  }
  if (r < 0.28) {
    return {
      kind: 'membership ended or re-activated',
      sql: `update public.chapter_memberships set is_active = not is_active
             where (chapter_id, user_id) = ($1, $2)`,
      params: [chapter, user],
    };
  }
  if (r < 0.36) {
    return { kind: 'membership deleted', sql: 'delete from public.chapter_memberships where (chapter_id, user_id) = ($1, $2)', params: [chapter, user] };
  }
  if (r < 0.43) {
    return {
      kind: 'membership role changed',
      sql: `update public.chapter_memberships m set role = case m.role when 'coordinator' then 'peer_mentor'::public.chapter_role else 'coordinator' end
             where (m.chapter_id, m.user_id) = ($1, $2)
               and not exists (select 1 from public.chapter_memberships o
                                where o.chapter_id = m.chapter_id and o.user_id = m.user_id and o.role <> m.role)`,
      params: [chapter, user],
    };
  }
  if (r < 0.53) {
    const n = 2 + Math.floor(rnd() * 8);
    return {
      kind: 'bulk: memberships imported in one statement',
      sql: `insert into public.chapter_memberships (chapter_id, user_id, role, is_active)
            select distinct on (c, u, r) c, u, r::public.chapter_role, a
              from unnest($1::uuid[], $2::uuid[], $3::text[], $4::boolean[]) as x (c, u, r, a)
            on conflict (chapter_id, user_id, role) do update set is_active = excluded.is_active`,
      params: [some(CHAPTERS, n), some(USERS, n), some(ROLES, n), Array.from({ length: n }, () => rnd() < 0.8)],
    };
  }
  if (r < 0.6) {
    return {
      kind: "bulk: a chapter's memberships of one role flipped",
      sql: 'update public.chapter_memberships set is_active = not is_active where chapter_id = $1 and role = $2',
      params: [chapter, role],
    };
  }
  if (r < 0.65) {
    return { kind: 'bulk: every membership of a user deleted', sql: 'delete from public.chapter_memberships where user_id = $1', params: [user] };
  }
  if (r < 0.73) {
    return { kind: 'chapter moved to another organisation', sql: 'update public.chapters set organization_id = $2 where id = $1', params: [chapter, pick(ORGS)] };
  }
  if (r < 0.77) {
    return {
      kind: 'chapter deleted (and created again, empty)',
      sql: `with gone as (delete from public.chapters where id = $1 returning id, organization_id, name)
            insert into public.chapters (id, organization_id, name) select id, organization_id, name from gone`,
      params: [chapter],
    };
  }
  if (r < 0.86) {
    return {
      kind: 'mentor added or deleted',
      sql: `with gone as (delete from public.peer_mentors where user_id = $1 returning 1)
            insert into public.peer_mentors (user_id) select $1 where not exists (select 1 from gone)`,
      params: [user],
    };
  }
  if (r < 0.9) {
    return {
      kind: 'user deleted (auth.users, cascading) and signed up again',
      sql: `delete from auth.users where id = $1`,
      params: [user],
    };
  }
  if (r < 0.955) {
    return {
      kind: 'bulk: mentors added for several users',
      sql: `insert into public.peer_mentors (user_id) select distinct u from unnest($1::uuid[]) u on conflict (user_id) do nothing`,
      params: [some(USERS, 3)],
    };
  }
  if (r < 0.985) {
    return { kind: 'truncate: memberships reloaded without one user (one transaction)', sql: '', params: [user], truncate: 'memberships' };
  }
  return { kind: 'truncate: chapters cascade, chapters and memberships reloaded (one transaction)', sql: '', params: [], truncate: 'chapters' };
}

/** A truncate-and-reload in one transaction, the way an import does it. */
async function runTruncate(c: pg.ClientBase, step: Step): Promise<void> {
  await c.query('begin');
  try {
    await c.query(`create temporary table saved_memberships on commit drop as
                     select * from public.chapter_memberships where user_id is distinct from $1`, [step.params[0] ?? null]);
    if (step.truncate === 'memberships') {
      await c.query('truncate public.chapter_memberships');
    } else {
      await c.query('create temporary table saved_chapters on commit drop as select * from public.chapters');
      await c.query('truncate public.chapters cascade');
      await c.query('insert into public.chapters select * from saved_chapters');
    }
    await c.query('insert into public.chapter_memberships select * from saved_memberships');
    await c.query('commit');
  } catch (err) {
    await c.query('rollback');
    throw err;
  }
}

/** What a REPEATABLE READ writer with an old snapshot may be refused with: never a wrong relation. */
const STALE_SNAPSHOT_REFUSALS = new Set(['PM701', '40001', '23505', '23503']);

describe('the responsibility relation', { timeout: 300_000 }, () => {
  before(async () => {
    db = await createTestDatabase('responsibility');
    client = await connect(db.url);
    await seed(client);
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });

  test(`equals the definition from scratch after every step of a random sequence (seed ${SEED}, ${STEPS} steps)`, async (t) => {
    const rnd = prng(SEED);
    const counts = new Map<string, number>();
    const repeatableRead = { committed: 0, refused: new Map<string, number>() };
    const rr = await connect(db.url);
    let pairsSeen = 0;
    try {
    for (let i = 1; i <= STEPS; i++) {
      const step = drawStep(rnd);
      // Now and then a REPEATABLE READ writer takes its snapshot before this step and writes after it.
      // (Not across a TRUNCATE, which would wait for the open transaction's lock on the table.)
      const stale = !step.truncate && rnd() < 0.08 ? drawStep(rnd) : null;
      if (stale && !stale.truncate) {
        await rr.query('begin isolation level repeatable read');
        await rr.query('select count(*) from public.chapter_memberships');
      }
      if (step.truncate) await runTruncate(client, step);
      else await client.query(step.sql, step.params);
      if (step.kind.startsWith('user deleted')) await createUser(client, step.params[0] as string);
      counts.set(step.kind, (counts.get(step.kind) ?? 0) + 1);
      assert.deepEqual(await differences(client), [], `step ${i} (${step.kind}, ${JSON.stringify(step.params)}) left the relation different from its definition`);
      if (stale && !stale.truncate) {
        try {
          await rr.query(stale.sql, stale.params);
          await rr.query('commit');
          if (stale.kind.startsWith('user deleted')) await createUser(client, stale.params[0] as string);
          repeatableRead.committed++;
        } catch (err) {
          const code = (err as { code?: string }).code ?? '';
          await rr.query('rollback');
          assert.ok(STALE_SNAPSHOT_REFUSALS.has(code), `step ${i}: the REPEATABLE READ writer (${stale.kind}) failed with ${code}: ${String(err)}`);
          repeatableRead.refused.set(code, (repeatableRead.refused.get(code) ?? 0) + 1);
        }
        const diff = await differences(client);
        assert.deepEqual(diff, [], `step ${i}: the REPEATABLE READ writer (${stale.kind}, ${JSON.stringify(stale.params)}) left the relation different from its definition`);
      }
      pairsSeen = Math.max(pairsSeen, Number((await client.query('select count(*) as n from (select distinct mentor_id, coordinator_id from private.responsibilities) p')).rows[0].n));
    }
    } finally {
      await rr.query('rollback').catch(() => {});
      await rr.end();
    }
    const kinds = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    t.diagnostic(`${STEPS} steps, 0 differences; largest relation ${pairsSeen} pairs; ${kinds.map(([k, n]) => `${k}: ${n}`).join('; ')}`);
    t.diagnostic(`REPEATABLE READ writers with an older snapshot: ${repeatableRead.committed} committed, refused ${JSON.stringify(Object.fromEntries(repeatableRead.refused))}`);
    assert.equal(kinds.length, 14, 'every kind of change was drawn');
    assert.ok(repeatableRead.committed > 0 && (repeatableRead.refused.get('PM701') ?? 0) > 0,
      'REPEATABLE READ writers both committed and were refused with PM701');
    assert.ok(pairsSeen > 10, 'the sequence built a relation worth checking');
  });

  test('two connections changing the same chapter at once leave it equal to its definition', async (t) => {
    const rnd = prng(SEED + 1);
    const a = await connect(db.url);
    const b = await connect(db.url);
    let waited = 0;
    try {
      for (let round = 1; round <= 40; round++) {
        const chapter = CHAPTERS[Math.floor(rnd() * CHAPTERS.length)] as string;
        const [u1, u2, u3] = [0, 1, 2].map(() => USERS[Math.floor(rnd() * USERS.length)] as string);
        // Both transactions change the chapter; the second starts while the first is still open.
        await a.query('begin');
        await a.query(
          `insert into public.chapter_memberships (chapter_id, user_id, role) values ($1, $2, 'coordinator')
           on conflict (chapter_id, user_id, role) do update set is_active = not public.chapter_memberships.is_active`,
          [chapter, u1],
        );
        await b.query('begin');
        const second = b.query(
          `with flipped as (
             update public.chapter_memberships set is_active = not is_active
              where chapter_id = $1 and role = 'coordinator' and user_id <> $2 returning 1)
           insert into public.chapter_memberships (chapter_id, user_id, role) values ($1, $3, 'peer_mentor')
           on conflict (chapter_id, user_id, role) do update set is_active = not public.chapter_memberships.is_active`,
          [chapter, u1, u2],
        );
        // A sign-up of a user in the same chapter, from the first connection, before it commits.
        await a.query(
          `insert into public.peer_mentors (user_id) values ($1) on conflict (user_id) do nothing`,
          [u3],
        );
        const started = Date.now();
        await a.query(round % 3 === 0 ? 'rollback' : 'commit');
        await second;
        waited += Date.now() - started;
        await b.query('commit');
        const diff = await differences(client);
        assert.deepEqual(diff, [], `round ${round} (chapter ${chapter}) left the relation different from its definition`);
      }
    } finally {
      await Promise.allSettled([a.query('rollback'), b.query('rollback')]);
      await Promise.allSettled([a.end(), b.end()]);
    }
    t.diagnostic(`40 rounds of two overlapping transactions on one chapter, 0 differences (second waited ${waited} ms in all)`);
  });

  test('a mentor signing up while its first membership is being added, on two connections, is kept exactly', async () => {
    const a = await connect(db.url);
    const b = await connect(db.url);
    try {
      for (let round = 1; round <= 10; round++) {
        const userId = id('c', 0xa00 + round);
        await createUser(client, userId);
        const chapter = CHAPTERS[round % CHAPTERS.length] as string;
        await client.query(
          `insert into public.chapter_memberships (chapter_id, user_id, role) values ($1, $2, 'coordinator') on conflict do nothing`,
          [chapter, USERS[round] as string],
        );
        const signUp = `insert into public.peer_mentors (user_id) values ($1)`;
        const firstMembership = `insert into public.chapter_memberships (chapter_id, user_id, role) values ($1, $2, 'peer_mentor')`;
        await a.query('begin');
        await b.query('begin');
        if (round % 2 === 0) {
          // The sign-up first; the membership waits for it (the users row), then sees the new mentor.
          await a.query(signUp, [userId]);
          const pending = b.query(firstMembership, [chapter, userId]);
          await new Promise((resolve) => setTimeout(resolve, 20));
          await a.query('commit');
          await pending;
          await b.query('commit');
        } else {
          // The membership first; the sign-up waits for it, then finds the membership.
          await b.query(firstMembership, [chapter, userId]);
          const pending = a.query(signUp, [userId]);
          await new Promise((resolve) => setTimeout(resolve, 20));
          await b.query('commit');
          await pending;
          await a.query('commit');
        }
        assert.deepEqual(await differences(client), [], `round ${round}: sign-up and first membership at once`);
      }
    } finally {
      await Promise.allSettled([a.query('rollback'), b.query('rollback')]);
      await Promise.allSettled([a.end(), b.end()]);
    }
  });

  test('the comparison finds the difference when the maintenance is broken by hand', async () => {
    await client.query('begin');
    try {
      await client.query('alter table public.chapter_memberships disable trigger chapter_memberships_responsibility_on_update');
      // End every coordinator membership: the maintained relation, left stale, still has its pairs.
      await client.query(`update public.chapter_memberships set is_active = false where role = 'coordinator'`);
      const diff = await differences(client);
      assert.ok(diff.length > 0 && diff.every((d) => d.side === 'extra'), 'stale pairs show up as extra');
    } finally {
      await client.query('rollback');
    }
    assert.deepEqual(await differences(client), [], 'rolled back: no difference');
  });
});
