// The rollback of 20261126100100_mentor_status_columns (supabase/rollbacks/…_down.sql) is the planning card's
// contingency for "new columns break SELECT * in existing app code". These tests prove:
//   * on a database at that step (baseline + status columns only), the rollback drops exactly the four status
//     columns and the type, the migration puts them back, rows survive both, and an app that runs
//     `select * from peer_mentors` and inserts naming only baseline columns keeps working throughout;
//   * on a database with every migration, the rollback refuses and changes nothing, rather than cascading into the
//     audit history: `npm run db:rollback` names the newer migrations to roll back first, and the script run by
//     hand stops at the database's own dependency check (2BP01: it never says CASCADE).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import { psqlFile, ROOT } from '../scripts/lib/database.ts';
import { rollbackMigration } from '../scripts/lib/rollback.ts';
import { createPlatformDatabase, createTestDatabase, urlForDatabase } from './support/database.ts';

// The server's connection as postgres (set by `npm test`; tests/support/database.ts explains the setup).
const SERVER_URL = z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres URL (run through `npm test`)')
  .parse(process.env.DATABASE_URL);

const MIGRATIONS = path.join(ROOT, 'supabase', 'migrations');
const ORGANISATION_MODEL = path.join(MIGRATIONS, '20261126100000_organisation_model.sql');
const STATUS_COLUMNS = path.join(MIGRATIONS, '20261126100100_mentor_status_columns.sql');
const STATUS_COLUMNS_DOWN = path.join(ROOT, 'supabase', 'rollbacks', '20261126100100_mentor_status_columns_down.sql');

const BASELINE_COLUMNS = ['id', 'user_id', 'created_at'];
const STATUS_COLUMN_NAMES = ['status', 'status_reason', 'status_changed_at', 'certification_expires_at'];
const ALL_COLUMNS = [...BASELINE_COLUMNS, ...STATUS_COLUMN_NAMES];

const BASELINE_MENTORS = 5;
const POOL_USERS = 5000;

/** A fixed uuid for the n-th fixture user (the pool the app loop inserts mentors for). */
function userId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function peerMentorColumns(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string }>(
    `select column_name from information_schema.columns
      where table_schema = 'public' and table_name = 'peer_mentors' order by ordinal_position`,
  );
  return rows.map((r) => r.column_name);
}

async function statusObjects(client: pg.Client): Promise<{ type: boolean; check: boolean }> {
  const { rows } = await client.query<{ type: boolean; check: boolean }>(
    `select to_regtype('public.mentor_status') is not null as type,
            exists (select 1 from pg_constraint
                     where conrelid = 'public.peer_mentors'::regclass and conname = 'status_reason_is_short') as check`,
  );
  const row = rows[0];
  assert.ok(row);
  return row;
}

/** What the app does, over and over on its own connection, until stopped. */
interface AppLoop {
  /** Iterations completed so far (one select * and one insert each). */
  iterations(): number;
  /** False once stopped, or given up after too many errors. */
  running(): boolean;
  /** The column lists `select *` returned, in order, each once per change. */
  shapes: string[][];
  errors: string[];
  inserted: string[];
  stop(): Promise<void>;
}

function startAppLoop(client: pg.Client, firstPoolUser: number, lastPoolUser: number): AppLoop {
  let count = 0;
  let running = true;
  let next = firstPoolUser;
  const loop: AppLoop = {
    iterations: () => count,
    running: () => running,
    shapes: [],
    errors: [],
    inserted: [],
    stop: async () => {},
  };
  const done = (async () => {
    while (running) {
      try {
        const selected = await client.query('select * from public.peer_mentors');
        const shape = selected.fields.map((f) => f.name);
        const last = loop.shapes.at(-1);
        if (!last || last.join(',') !== shape.join(',')) loop.shapes.push(shape);
        if (next > lastPoolUser) throw new Error('the app loop ran out of fixture users; raise POOL_USERS');
        const insertedRow = await client.query<{ id: string }>(
          'insert into public.peer_mentors (user_id) values ($1) returning id',
          [userId(next)],
        );
        next += 1;
        const id = insertedRow.rows[0]?.id;
        if (id) loop.inserted.push(id);
      } catch (err) {
        loop.errors.push(err instanceof Error ? err.message : String(err));
        if (loop.errors.length > 20) running = false;
      }
      count += 1;
    }
  })();
  loop.stop = async () => {
    running = false;
    await done;
  };
  return loop;
}

async function waitForIterations(loop: AppLoop, atLeast: number): Promise<void> {
  const target = loop.iterations() + atLeast;
  const deadline = Date.now() + 30_000;
  while (loop.iterations() < target) {
    if (!loop.running()) throw new Error(`the app loop gave up after errors:\n${loop.errors.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`the app loop made no progress (${loop.iterations()} iterations)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs fn (a psql run) and returns how many app-loop iterations completed while it ran. */
async function iterationsDuring(loop: AppLoop, fn: () => Promise<void>): Promise<number> {
  const start = loop.iterations();
  await fn();
  return loop.iterations() - start;
}

describe('rollback of 20261126100100_mentor_status_columns on a database at that step', () => {
  const name = `t_rollback_${randomBytes(3).toString('hex')}`;
  const url = urlForDatabase(name);
  let admin: pg.Client;

  before(async () => {
    admin = await connect(SERVER_URL);
    // A new database on the same server: only the Supabase layer and the first two migrations (as postgres).
    await createPlatformDatabase(name);
    await psqlFile(url, ORGANISATION_MODEL);
    await psqlFile(url, STATUS_COLUMNS);
  });

  after(async () => {
    if (!admin) return;
    await admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
    await admin.end();
  });

  test('drops only the status columns and re-applies, while select * and baseline inserts keep working', async (t) => {
    const setup = await connect(url);
    const app = await connect(url);
    try {
      // Baseline rows, written the way pre-feature code writes them: baseline columns only.
      await setup.query(
        `insert into auth.users (id, email)
         select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'rollback-' || n || '@test.invalid'
           from generate_series(1, $1::integer) n`,
        [BASELINE_MENTORS + POOL_USERS],
      );
      await setup.query(
        `insert into public.users (id, full_name, email) select id, email, email from auth.users`,
      );
      await setup.query(
        `insert into public.peer_mentors (user_id)
         select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid from generate_series(1, $1::integer) n`,
        [BASELINE_MENTORS],
      );
      const baseline = await setup.query<{ id: string; user_id: string; created_at: Date }>(
        'select id, user_id, created_at from public.peer_mentors order by user_id',
      );
      assert.equal(baseline.rows.length, BASELINE_MENTORS);
      assert.deepEqual(await peerMentorColumns(setup), ALL_COLUMNS, 'before: the status columns are there');

      const loop = startAppLoop(app, BASELINE_MENTORS + 1, BASELINE_MENTORS + POOL_USERS);
      let duringRollback: number;
      let duringReapply: number;
      try {
        await waitForIterations(loop, 20);

        duringRollback = await iterationsDuring(loop, () => psqlFile(url, STATUS_COLUMNS_DOWN));
        assert.deepEqual(await peerMentorColumns(setup), BASELINE_COLUMNS, 'after rollback: only the baseline columns');
        assert.deepEqual(await statusObjects(setup), { type: false, check: false },
          'after rollback: the mentor_status type and the status_reason_is_short check are gone');
        await waitForIterations(loop, 20);

        duringReapply = await iterationsDuring(loop, () => psqlFile(url, STATUS_COLUMNS));
        await waitForIterations(loop, 20);
      } finally {
        await loop.stop();
      }

      t.diagnostic(`app loop: ${loop.iterations()} iterations, ${duringRollback} during the rollback, ` +
        `${duringReapply} during the re-apply, ${loop.inserted.length} mentors inserted`);
      assert.deepEqual(loop.errors, [], 'the app loop (select * and baseline-column inserts) saw no error');
      assert.deepEqual(loop.shapes, [ALL_COLUMNS, BASELINE_COLUMNS, ALL_COLUMNS],
        'select * returned the status columns, then only the baseline columns, then the status columns again');
      // The rollback is DDL only (npm run db:rollback owns the checks and bookkeeping): a few milliseconds, which may
      // fall between two iterations of the loop, so iterations completed during it are a diagnostic, not a rule.
      // That the app went on across it is what the shapes above and the 20 iterations awaited after it show.
      assert.ok(duringReapply > 0, 'the app loop ran while the migration was being re-applied');
      assert.ok(loop.inserted.length >= 60, `the app loop inserted mentors in every phase (${loop.inserted.length})`);

      // After re-apply: the columns, the type and the check are back, with the contract's default.
      assert.deepEqual(await peerMentorColumns(setup), ALL_COLUMNS, 'after re-apply: the status columns are back');
      assert.deepEqual(await statusObjects(setup), { type: true, check: true },
        'after re-apply: the mentor_status type and the status_reason_is_short check are back');

      // Every row survived both steps, baseline rows unchanged; each reads as active (the column default).
      const survived = await setup.query<{ id: string; user_id: string; created_at: Date; status: string }>(
        'select id, user_id, created_at, status::text as status from public.peer_mentors order by user_id',
      );
      assert.equal(survived.rows.length, BASELINE_MENTORS + loop.inserted.length, 'no row was lost or added');
      assert.deepEqual(
        survived.rows.slice(0, BASELINE_MENTORS).map(({ id, user_id, created_at }) => ({ id, user_id, created_at })),
        baseline.rows,
        'the baseline rows are unchanged',
      );
      assert.deepEqual(
        new Set(survived.rows.map((r) => r.id)),
        new Set([...baseline.rows.map((r) => r.id), ...loop.inserted]),
        'exactly the baseline rows and the rows the app inserted are there',
      );
      assert.deepEqual([...new Set(survived.rows.map((r) => r.status))], ['active'], 'every mentor reads as active');

      const star = await setup.query('select * from public.peer_mentors');
      assert.deepEqual(star.fields.map((f) => f.name), ALL_COLUMNS, 'select * works after re-apply');
    } finally {
      await app.end();
      await setup.end();
    }
  });
});

describe('rollback of 20261126100100_mentor_status_columns on a database with every migration', () => {
  test('refuses (the command: newer migrations first; the script by hand: 2BP01) and changes nothing', async () => {
    const db = await createTestDatabase('rollback_refuses');
    const client = await connect(db.url);
    try {
      await assert.rejects(rollbackMigration(db.url, '20261126100100'), /roll back the newer migrations first \(newest first\): .*20261126100200/,
        'npm run db:rollback refuses, naming the newer migrations');
      const sql = readFileSync(STATUS_COLUMNS_DOWN, 'utf8');
      await assert.rejects(client.query(`begin; ${sql}`), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.equal((err as Error & { code?: string }).code, '2BP01', `SQLSTATE of: ${err.message}`);
        assert.match(err.message, /because other objects depend on it/);
        return true;
      });
      await client.query('rollback');
      assert.deepEqual(await peerMentorColumns(client), ALL_COLUMNS, 'the status columns are untouched');
      assert.deepEqual(await statusObjects(client), { type: true, check: true }, 'the type and the check are untouched');
      const recorded = await client.query<{ n: string }>(
        `select count(*) as n from supabase_migrations.schema_migrations where version = '20261126100100'`,
      );
      assert.equal(recorded.rows[0]?.n, '1', 'the migration is still recorded as applied');
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
