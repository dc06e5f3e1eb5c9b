// Concurrency: the status history stays an unbroken chain, with exactly one row per real change, while many
// connections change the same few mentors at once.
//
// Fixtures: 5 mentors in two chapters (two of them with an expired certification), 2 coordinators. WORKERS
// connections each run OPERATIONS_PER_WORKER transactions, each picked by a seeded PRNG (reproducible:
// CONCURRENCY_SEED) among
//   * a signed-in mentor changing its own status (active/paused, sometimes inactive: refused with PM101;
//     active with an expired certification: refused with PM102),
//   * a signed-in coordinator changing one of its mentors (active/paused/inactive),
//   * now and then, a signed-in mentor or coordinator sending a reason-only update (refused with PM104: a
//     reason changes only together with a status),
//   * the service role inside a job run (job_runs row + set_config('app.job_run_id', id, true)) changing 1-3
//     mentors in one statement,
//   * the service role running run_certification_expiry_job().
// Every status update sets its reason only where the status really changes (a row whose status stays keeps
// its reason), and reports each mentor's status before and after (the row locked first, in a materialized
// CTE), so the test knows which changes were real; refusals and deadlock victims count as no change. Afterwards:
//   * per mentor, ordered by (changed_at, id): the first row has no previous status, each previous_status is
//     the prior row's new_status, changed_at strictly increases, and the last row is the current status
//     (its changed_at the mentor's status_changed_at, its reason the mentor's status_reason);
//   * per mentor, the history rows after the first equal the real changes counted by the clients;
//   * per caller, the rows carrying its changed_by, and per job run, the rows carrying its job_run_id,
//     equal the real changes that caller / job run made;
//   * the history verifies clean (verify_status_history() returns nothing), also against every digest a
//     digest taker took while the writers ran (status_history_digest(), retried when it could not get its lock
//     in time), and each mentor's proof chain never forks: every row's proof is the hash over the proof of the
//     row right before it (two writers that chained on the same head would leave one row whose predecessor's
//     proof is not the one it was computed over).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const USAGE = 'Usage: [CONCURRENCY_SEED=<non-negative integer>] npm test -- tests/concurrent_writers_keep_one_unbroken_history_chain_per_mentor.test.ts';
const env = z
  .object({ CONCURRENCY_SEED: z.coerce.number().int().nonnegative().default(20261126) })
  .safeParse(process.env);
if (!env.success) throw new Error(`${env.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
const SEED = env.data.CONCURRENCY_SEED;

const WORKERS = 10;
const OPERATIONS_PER_WORKER = 320; // 3,200 transactions in all

type Status = 'active' | 'paused' | 'inactive';

/** Fixed ids: n-th user, mentor, chapter. */
const id = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const ORGANIZATION = id('5', 1);
const CHAPTER_A = id('4', 1);
const CHAPTER_B = id('4', 2);

interface Mentor {
  id: string;
  userId: string;
  chapters: string[];
  certificationExpired: boolean;
}
const MENTORS: Mentor[] = [1, 2, 3, 4, 5].map((n) => ({
  id: id('3', n),
  userId: id('1', n),
  chapters: n <= 2 ? [CHAPTER_A] : n === 3 ? [CHAPTER_A, CHAPTER_B] : [CHAPTER_B],
  certificationExpired: n >= 4,
}));

interface Coordinator {
  userId: string;
  chapters: string[];
}
const COORDINATORS: Coordinator[] = [
  { userId: id('2', 1), chapters: [CHAPTER_A] },
  { userId: id('2', 2), chapters: [CHAPTER_A, CHAPTER_B] },
];
const mentorsOf = (c: Coordinator) => MENTORS.filter((m) => m.chapters.some((ch) => c.chapters.includes(ch)));

/** mulberry32: a small seeded PRNG, so a run's choices can be replayed. */
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
const pick = <T>(rng: () => number, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/** What the clients saw: real changes per mentor, per changed_by (null: 'system') and per job run. */
interface Tally {
  transactions: number;
  changes: Map<string, number>;
  changesBy: Map<string, number>;
  changesByJobRun: Map<string, number>;
  refusals: Map<string, number>; // SQLSTATE -> count (PM101, PM102, PM104)
  deadlocks: number;
  failedExpiryRuns: number;
  /** Expiry runs whose affected_count differs from the history rows they wrote. */
  expiryCountMismatches: string[];
  /** Set when a worker fails, so the others stop instead of running on against a database being dropped. */
  aborted: boolean;
}
const bump = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);

const EXPECTED_REFUSALS = new Set(['PM101', 'PM102', 'PM104']);
const RETRYABLE = new Set(['40P01', '40001']); // deadlock victim, serialization failure: rolled back, no change

// The row is locked first (in id order, so multi-mentor updates cannot deadlock each other) and its status
// read from the locked version, which is the version the UPDATE then changes. The reason is set only where
// the status changes: a row whose status stays keeps its reason (a reason-only change is PM104).
const CHANGE_SQL = `
  with locked as materialized (
    select id, status as old_status
      from public.peer_mentors
     where id = any ($2::uuid[])
     order by id
       for update
  )
  update public.peer_mentors pm
     set status = $1::public.mentor_status,
         status_reason = case when pm.status = $1::public.mentor_status then pm.status_reason else $3 end
    from locked
   where pm.id = locked.id
  returning pm.id, locked.old_status, pm.status as new_status`;

interface ChangeRow {
  id: string;
  old_status: Status;
  new_status: Status;
}

function pgCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on('notice', () => {}); // a failed expiry run reports itself as a WARNING; the tally records it
  return client;
}

async function asRole(client: pg.Client, userId: string | null): Promise<void> {
  if (userId) {
    await client.query(
      `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' })],
    );
  } else {
    await client.query(
      `select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`,
    );
  }
}

/**
 * One transaction. `body` returns the real changes it made and the job run they belong to; they are tallied
 * only once the commit succeeded. Expected refusals and deadlock victims roll back and count as no change.
 */
async function transaction(
  client: pg.Client,
  tally: Tally,
  changedBy: string,
  body: () => Promise<{ changed: string[]; jobRunId?: string }>,
): Promise<void> {
  tally.transactions += 1;
  await client.query('begin');
  let result: { changed: string[]; jobRunId?: string };
  try {
    result = await body();
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    const code = pgCode(err);
    if (code && EXPECTED_REFUSALS.has(code)) return void bump(tally.refusals, code);
    if (code && RETRYABLE.has(code)) return void (tally.deadlocks += 1);
    throw err;
  }
  for (const mentorId of result.changed) {
    bump(tally.changes, mentorId);
    bump(tally.changesBy, changedBy);
    if (result.jobRunId) bump(tally.changesByJobRun, result.jobRunId);
  }
}

async function change(client: pg.Client, status: Status, mentorIds: string[], reason: string | null): Promise<string[]> {
  const { rows } = await client.query<ChangeRow>(CHANGE_SQL, [status, mentorIds, reason]);
  assert.equal(rows.length, mentorIds.length, `every target mentor is visible and updated: ${JSON.stringify(mentorIds)}`);
  return rows.filter((r) => r.old_status !== r.new_status).map((r) => r.id);
}

async function worker(url: string, index: number, tally: Tally): Promise<void> {
  const rng = prng(SEED * 1000 + index);
  const client = await connect(url);
  try {
    for (let i = 0; i < OPERATIONS_PER_WORKER && !tally.aborted; i += 1) {
      const roll = rng();
      if (roll < 0.4) {
        // A mentor on itself; inactive is never allowed to it, active not while its certification has expired.
        const mentor = pick(rng, MENTORS);
        const status = pick(rng, ['active', 'paused', 'active', 'paused', 'inactive'] as const);
        await transaction(client, tally, mentor.userId, async () => {
          await asRole(client, mentor.userId);
          return { changed: await change(client, status, [mentor.id], status === 'paused' ? `self ${index}/${i}` : null) };
        });
      } else if (roll < 0.72) {
        const coordinator = pick(rng, COORDINATORS);
        const mentor = pick(rng, mentorsOf(coordinator));
        const status = pick(rng, ['active', 'paused', 'inactive'] as const);
        await transaction(client, tally, coordinator.userId, async () => {
          await asRole(client, coordinator.userId);
          return { changed: await change(client, status, [mentor.id], `coordinator ${index}/${i}`) };
        });
      } else if (roll < 0.75) {
        // A reason without a status change, by the mentor itself or one of its coordinators: always PM104.
        const coordinator = pick(rng, COORDINATORS);
        const mentor = pick(rng, mentorsOf(coordinator));
        const caller = rng() < 0.5 ? mentor.userId : coordinator.userId;
        await transaction(client, tally, caller, async () => {
          await asRole(client, caller);
          await client.query(`update public.peer_mentors set status_reason = $2 where id = $1`, [mentor.id, `reason only ${index}/${i}`]);
          throw new Error(`a reason-only update of mentor ${mentor.id} by ${caller} was not refused`);
        });
      } else if (roll < 0.95) {
        // The service role inside a job run, 1-3 mentors in one statement.
        const targets = MENTORS.filter(() => rng() < 0.5).map((m) => m.id);
        if (targets.length === 0) targets.push(pick(rng, MENTORS).id);
        const status = pick(rng, ['active', 'paused', 'inactive'] as const);
        await transaction(client, tally, 'system', async () => {
          await asRole(client, null);
          const { rows } = await client.query<{ id: string }>(
            `insert into public.job_runs (job_name) values ('concurrency_test') returning id`,
          );
          const jobRunId = rows[0]?.id;
          assert.ok(jobRunId);
          await client.query(`select set_config('app.job_run_id', $1, true)`, [jobRunId]);
          const changed = await change(client, status, targets, `job ${index}/${i}`);
          await client.query(
            `update public.job_runs set status = 'succeeded', finished_at = clock_timestamp(), affected_count = $2 where id = $1`,
            [jobRunId, changed.length],
          );
          return { changed, jobRunId };
        });
      } else {
        await transaction(client, tally, 'system', async () => {
          await asRole(client, null);
          const run = await client.query<{ id: string }>(`select public.run_certification_expiry_job() as id`);
          const jobRunId = run.rows[0]?.id;
          assert.ok(jobRunId);
          const outcome = await client.query<{ status: string; affected_count: number }>(
            `select status, affected_count from public.job_runs where id = $1`,
            [jobRunId],
          );
          const paused = await client.query<{ mentor_id: string }>(
            `select mentor_id from public.peer_mentor_status_history where job_run_id = $1`,
            [jobRunId],
          );
          // A run chosen as a deadlock victim inside the job records itself as failed and pauses no one.
          if (outcome.rows[0]?.status === 'failed') tally.failedExpiryRuns += 1;
          if (outcome.rows[0]?.affected_count !== paused.rows.length) {
            tally.expiryCountMismatches.push(`${jobRunId}: affected_count ${outcome.rows[0]?.affected_count}, ${paused.rows.length} rows`);
          }
          return { changed: paused.rows.map((r) => r.mentor_id), jobRunId };
        });
      }
    }
  } catch (err) {
    tally.aborted = true;
    throw err;
  } finally {
    await client.end();
  }
}

async function createFixtures(url: string): Promise<void> {
  const client = await connect(url);
  try {
    await client.query('begin');
    const users = [...MENTORS.map((m, i) => [m.userId, `mentor-${i + 1}`]), ...COORDINATORS.map((c, i) => [c.userId, `coordinator-${i + 1}`])];
    for (const [userId, name] of users) {
      await client.query(
        `insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')`,
        [userId, `${name}@test.invalid`],
      );
      await client.query(`insert into public.users (id, full_name, email) values ($1, $2, $3)`, [userId, name, `${name}@test.invalid`]);
    }
    await client.query(`insert into public.organizations (id, name) values ($1, 'Concurrency Org')`, [ORGANIZATION]);
    await client.query(
      `insert into public.chapters (id, organization_id, name) values ($1, $3, 'Chapter A'), ($2, $3, 'Chapter B')`,
      [CHAPTER_A, CHAPTER_B, ORGANIZATION],
    );
    for (const m of MENTORS) {
      for (const chapter of m.chapters) {
        await client.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ($1, $2, 'peer_mentor')`, [chapter, m.userId]);
      }
      await client.query(
        `insert into public.peer_mentors (id, user_id, certification_expires_at)
         values ($1, $2, now() + case when $3 then interval '-1 day' else interval '1 year' end)`,
        [m.id, m.userId, m.certificationExpired],
      );
    }
    for (const c of COORDINATORS) {
      for (const chapter of c.chapters) {
        await client.query(`insert into public.chapter_memberships (chapter_id, user_id, role) values ($1, $2, 'coordinator')`, [chapter, c.userId]);
      }
    }
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/** Takes a digest every ~100 ms while the writers run (each in its own transaction; a lock timeout is retried). */
async function digestTaker(url: string, into: Record<string, unknown>[], done: { value: boolean }): Promise<void> {
  const client = await connect(url);
  try {
    while (!done.value) {
      try {
        into.push((await client.query<{ d: Record<string, unknown> }>('select public.status_history_digest() as d')).rows[0]!.d);
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03') throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

// Per mentor, ordered by (changed_at, id). Returns one row per break; none when every chain is whole.
const CHAIN_BREAKS_SQL = `
  with ordered as (
    select h.mentor_id, h.id, h.previous_status, h.new_status, h.reason, h.changed_at,
           lag(h.new_status) over w as prior_new_status,
           lag(h.changed_at) over w as prior_changed_at,
           row_number() over w as position,
           count(*) over (partition by h.mentor_id) as total
      from public.peer_mentor_status_history h
    window w as (partition by h.mentor_id order by h.changed_at, h.id)
  )
  select o.mentor_id, o.id, 'first row has a previous status' as problem
    from ordered o where o.position = 1 and o.previous_status is not null
  union all
  select o.mentor_id, o.id, format('previous_status %s is not the prior row''s new_status %s', o.previous_status, o.prior_new_status)
    from ordered o where o.position > 1 and o.previous_status is distinct from o.prior_new_status
  union all
  select o.mentor_id, o.id, format('changed_at %s is not after the prior row''s %s', o.changed_at, o.prior_changed_at)
    from ordered o where o.position > 1 and o.changed_at <= o.prior_changed_at
  union all
  select o.mentor_id, o.id, format('last row %s/%s is not the current status %s/%s', o.new_status, o.changed_at, pm.status, pm.status_changed_at)
    from ordered o join public.peer_mentors pm on pm.id = o.mentor_id
   where o.position = o.total and (o.new_status <> pm.status or o.changed_at <> pm.status_changed_at)
  union all
  select o.mentor_id, o.id, format('last row''s reason %L is not the current status_reason %L', o.reason, pm.status_reason)
    from ordered o join public.peer_mentors pm on pm.id = o.mentor_id
   where o.position = o.total and o.reason is distinct from pm.status_reason
  union all
  select pm.id, null, 'no history'
    from public.peer_mentors pm
   where not exists (select 1 from public.peer_mentor_status_history h where h.mentor_id = pm.id)
  order by 1, 2`;

async function counts(url: string, sql: string): Promise<Map<string, number>> {
  const client = await connect(url);
  try {
    const { rows } = await client.query<{ key: string | null; n: number }>(sql);
    return new Map(rows.map((r) => [r.key ?? 'system', r.n]));
  } finally {
    await client.end();
  }
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));

describe(`the status history under ${WORKERS} concurrent writers (seed ${SEED})`, () => {
  let db: TestDatabase;
  const tally: Tally = {
    transactions: 0,
    changes: new Map(),
    changesBy: new Map(),
    changesByJobRun: new Map(),
    refusals: new Map(),
    deadlocks: 0,
    failedExpiryRuns: 0,
    expiryCountMismatches: [],
    aborted: false,
  };

  const digests: Record<string, unknown>[] = [];

  before(async () => {
    db = await createTestDatabase('concurrency');
    await createFixtures(db.url);
    const started = Date.now();
    const writers = Promise.allSettled(Array.from({ length: WORKERS }, (_, i) => worker(db.url, i, tally)));
    const done = { value: false };
    const taker = digestTaker(db.url, digests, done);
    const results = await writers;
    done.value = true;
    await taker;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    const realChanges = [...tally.changes.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${digests.length} digests taken meanwhile; ` +
      `seed ${SEED}: ${tally.transactions} transactions in ${Date.now() - started} ms; ${realChanges} real changes; ` +
        `refused ${JSON.stringify(Object.fromEntries(tally.refusals))}; ${tally.deadlocks} deadlock victims; ` +
        `${tally.failedExpiryRuns} failed expiry runs`,
    );
  });

  after(async () => {
    await db?.drop();
  });

  test('the workload ran thousands of transactions with real changes and every kind of refusal', () => {
    assert.ok(tally.transactions >= 3000, `transactions: ${tally.transactions}`);
    const realChanges = [...tally.changes.values()].reduce((a, b) => a + b, 0);
    assert.ok(realChanges >= 500, `real changes: ${realChanges}`);
    assert.ok((tally.refusals.get('PM101') ?? 0) > 0, 'some changes were refused with PM101');
    assert.ok((tally.refusals.get('PM102') ?? 0) > 0, 'some changes were refused with PM102');
    assert.ok((tally.refusals.get('PM104') ?? 0) > 0, 'some reason-only updates were refused with PM104');
    assert.ok(tally.changesByJobRun.size > 0, 'some changes were made inside job runs');
  });

  test('each expiry run\'s affected_count equals the history rows it wrote', () => {
    assert.deepEqual(tally.expiryCountMismatches, []);
  });

  test('every mentor\'s history is an unbroken chain ending at its current status and status_reason', async () => {
    const client = await connect(db.url);
    try {
      const { rows } = await client.query<{ mentor_id: string; id: string | null; problem: string }>(CHAIN_BREAKS_SQL);
      assert.deepEqual(rows.slice(0, 20), [], `${rows.length} chain breaks`);
    } finally {
      await client.end();
    }
  });

  test('each mentor has one history row per real change, besides its first row', async () => {
    const rows = await counts(
      db.url,
      `select pm.id::text as key, count(h.id)::integer as n
         from public.peer_mentors pm
         left join public.peer_mentor_status_history h on h.mentor_id = pm.id and h.previous_status is not null
        group by pm.id`,
    );
    const expected = new Map(MENTORS.map((m) => [m.id, tally.changes.get(m.id) ?? 0]));
    assert.deepEqual(sorted(rows), sorted(expected));
    const firstRows = await counts(db.url, `select mentor_id::text as key, count(*)::integer as n from public.peer_mentor_status_history where previous_status is null group by mentor_id`);
    assert.deepEqual(sorted(firstRows), sorted(new Map(MENTORS.map((m) => [m.id, 1]))), 'each mentor has exactly one first row');
  });

  test('changed_by and job_run_id attribute every change to the caller and job run that made it', async () => {
    const byCaller = await counts(
      db.url,
      `select changed_by::text as key, count(*)::integer as n from public.peer_mentor_status_history
        where previous_status is not null group by changed_by`,
    );
    assert.deepEqual(sorted(byCaller), sorted(tally.changesBy), 'rows per changed_by');
    const byJobRun = await counts(
      db.url,
      `select job_run_id::text as key, count(*)::integer as n from public.peer_mentor_status_history
        where job_run_id is not null group by job_run_id`,
    );
    assert.deepEqual(sorted(byJobRun), sorted(tally.changesByJobRun), 'rows per job run');
  });

  test('the history verifies clean, also against every digest taken while the writers ran', async () => {
    assert.ok(digests.length >= 3, `digests taken during the run: ${digests.length}`);
    const client = await connect(db.url);
    try {
      for (const digest of [null, ...digests]) {
        const { rows } = await client.query('select mentor_id, history_id, problem from public.verify_status_history($1::jsonb)',
          [digest === null ? null : JSON.stringify(digest)]);
        assert.deepEqual(rows.slice(0, 10), [], `${rows.length} problems reported against ${digest === null ? 'the database' : `digest ${String(digest.digest_id)}`}`);
      }
    } finally {
      await client.end();
    }
  });

  test('each mentor\'s proof chain never forks: every proof is computed over the proof of the row right before it', async () => {
    const client = await connect(db.url);
    try {
      const { rows } = await client.query<{ mentor_id: string; id: string }>(`
        with ordered as (
          select h.*, lag(h.proof) over (partition by h.mentor_id order by h.changed_at, h.id) as prior_proof
            from public.peer_mentor_status_history h)
        select o.mentor_id, o.id::text
          from ordered o
         where o.proof is distinct from private.status_history_proof(
                 coalesce(o.prior_proof, decode(repeat('00', 32), 'hex')), o.id, o.mentor_id, o.previous_status, o.new_status,
                 o.changed_at, o.reason, o.changed_by_pseudonym, o.job_run_pseudonym, o.proof_origin)
         order by 1, 2`);
      assert.deepEqual(rows.slice(0, 10), [], `${rows.length} rows whose proof is not chained on their predecessor's`);
      const [{ n }] = (await client.query<{ n: number }>('select count(distinct proof)::int - count(*)::int as n from public.peer_mentor_status_history')).rows as [{ n: number }];
      assert.equal(n, 0, 'every proof is distinct');
    } finally {
      await client.end();
    }
  });
});
