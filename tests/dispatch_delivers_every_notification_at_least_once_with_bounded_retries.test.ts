// The notification dispatcher (dispatcher/dispatch-notifications.ts) against the real database: concurrent workers
// never share a live claim, a crashed claim is redelivered after its lease, the webhook sender treats non-2xx as
// a failed delivery (reported, backed off, dead after the last attempt, sent again once re-queued), and the
// command line prints one JSON line per notification and a `sent N, failed N, dead N` summary.
// Every test has its own timeout, so a dispatcher that loops fails fast instead of hanging the suite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  connectAsServiceRole,
  dispatch,
  dispatchOnce,
  webhookSender,
  type ClaimedNotification,
  type NotificationMessage,
  type Sender,
} from '../dispatcher/dispatch-notifications.ts';
import { postgrestTypes } from '../types/pg.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const databases: TestDatabase[] = [];
const clients: pg.Client[] = [];
after(async () => {
  await Promise.allSettled(clients.map((c) => c.end()));
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function freshDatabase(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(label);
  databases.push(db);
  return db;
}

/** A dispatcher connection (as service_role, like the CLI), closed after the file. */
async function worker(db: TestDatabase): Promise<pg.Client> {
  const client = await connectAsServiceRole(db.url);
  clients.push(client);
  return client;
}

async function owner<T>(db: TestDatabase, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  // Read like the dispatcher (types/pg.ts): bigint ids are numbers, as in the generated types.
  const client = new pg.Client({ connectionString: db.url, types: postgrestTypes });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * One chapter with `coordinators` coordinators and `mentors` mentors, all of whom are then paused in one UPDATE
 * (as the owner, a system caller): mentors * coordinators notifications. Returns their ids, sorted.
 */
async function queueNotifications(db: TestDatabase, mentors: number, coordinators: number): Promise<number[]> {
  return owner(db, async (c) => {
    await c.query('begin');
    await c.query(
      `insert into auth.users (id, email, aud, role)
       select md5('dispatch:user:' || n)::uuid, 'user' || n || '@test.invalid', 'authenticated', 'authenticated'
         from generate_series(1, $1::int + $2::int) n`,
      [coordinators, mentors],
    );
    await c.query(
      `insert into public.users (id, full_name, email)
       select md5('dispatch:user:' || n)::uuid, 'User ' || n, 'user' || n || '@test.invalid'
         from generate_series(1, $1::int + $2::int) n`,
      [coordinators, mentors],
    );
    await c.query(`insert into public.organizations (id, name) values (md5('dispatch:org')::uuid, 'Dispatch')`);
    await c.query(
      `insert into public.chapters (id, organization_id, name) values (md5('dispatch:chapter')::uuid, md5('dispatch:org')::uuid, 'Oslo')`,
    );
    await c.query(
      `insert into public.chapter_memberships (chapter_id, user_id, role)
       select md5('dispatch:chapter')::uuid, md5('dispatch:user:' || n)::uuid,
              (case when n <= $1::int then 'coordinator' else 'peer_mentor' end)::public.chapter_role
         from generate_series(1, $1::int + $2::int) n`,
      [coordinators, mentors],
    );
    await c.query(
      `insert into public.peer_mentors (user_id)
       select md5('dispatch:user:' || n)::uuid from generate_series($1::int + 1, $1::int + $2::int) n`,
      [coordinators, mentors],
    );
    await c.query(`update public.peer_mentors set status = 'paused', status_reason = 'holiday'`);
    await c.query('commit');
    const { rows } = await c.query<{ id: number }>(
      'select id from public.coordinator_notifications where dispatched_at is null order by id',
    );
    assert.equal(rows.length, mentors * coordinators, 'fixture: one notification per mentor and coordinator');
    return rows.map((r) => r.id);
  });
}

interface OutboxRow {
  id: number;
  dispatched: boolean;
  attempts: number;
}

async function outbox(db: TestDatabase): Promise<OutboxRow[]> {
  return owner(db, async (c) =>
    (
      await c.query<OutboxRow>(
        'select id, dispatched_at is not null as dispatched, attempts from public.coordinator_notifications order by id',
      )
    ).rows,
  );
}

/** An in-memory sender recording what it was given; a short pause per message lets two workers interleave. */
function recordingSender(into: NotificationMessage[], pauseMs = 1): Sender {
  return async (message) => {
    into.push(message);
    await delay(pauseMs);
  };
}

const ids = (messages: NotificationMessage[]) => messages.map((m) => m.id);
const sorted = (values: (number | null)[]) => [...values].sort((a, b) => Number(a) - Number(b));

test('two dispatchers at once deliver every notification, none twice', { timeout: 60_000 }, async () => {
  const db = await freshDatabase('dispatch_two');
  const queued = await queueNotifications(db, 100, 3);
  const [a, b] = [await worker(db), await worker(db)];
  const gotA: NotificationMessage[] = [];
  const gotB: NotificationMessage[] = [];

  const [totalsA, totalsB] = await Promise.all([
    dispatch(a, recordingSender(gotA), { batch: 20, lease: '5 minutes' }),
    dispatch(b, recordingSender(gotB), { batch: 20, lease: '5 minutes' }),
  ]);

  const idsA = ids(gotA);
  const idsB = ids(gotB);
  assert.ok(idsA.length > 0 && idsB.length > 0, `both workers took part (A ${idsA.length}, B ${idsB.length})`);
  assert.equal(new Set(idsA).size, idsA.length, 'worker A got no notification twice');
  assert.equal(new Set(idsB).size, idsB.length, 'worker B got no notification twice');
  const setB = new Set(idsB);
  assert.deepEqual(idsA.filter((id) => setB.has(id)), [], 'no notification went to both workers');
  assert.deepEqual(sorted([...idsA, ...idsB]), queued, 'together they delivered every queued notification');
  assert.equal(totalsA.confirmed + totalsB.confirmed, queued.length, 'every delivery was confirmed');

  const rows = await outbox(db);
  assert.deepEqual(rows.filter((r) => !r.dispatched), [], 'every notification is marked dispatched');
  assert.deepEqual(rows.filter((r) => r.attempts !== 1), [], 'every notification was claimed exactly once');

  // The payload is what a message needs.
  const sample = gotA[0];
  assert.ok(sample);
  assert.equal(sample.new_status, 'paused');
  assert.equal(sample.previous_status, 'active');
  assert.equal(sample.reason, 'holiday');
  assert.match(sample.coordinator_email ?? '', /@test\.invalid$/);
  assert.match(sample.mentor_name ?? '', /^User \d+$/);
  assert.equal('claim_token' in sample, false, 'the claim token is not handed to the sender');
});

test('a claim in progress is skipped (SKIP LOCKED), not waited for', { timeout: 60_000 }, async () => {
  const db = await freshDatabase('dispatch_skip');
  const queued = await queueNotifications(db, 10, 3);
  const slow = await worker(db);
  const fast = await worker(db);
  await fast.query(`set statement_timeout = '3s'`);

  // The slow worker's claim is still running (its transaction holds the row locks).
  await slow.query('begin');
  const held = (await slow.query<ClaimedNotification>(`select * from public.claim_coordinator_notifications(10, '5 minutes')`)).rows;
  assert.equal(held.length, 10);

  const got: NotificationMessage[] = [];
  const started = Date.now();
  const result = await dispatchOnce(fast, recordingSender(got, 0), { batch: 10, lease: '5 minutes' });
  assert.ok(Date.now() - started < 2_000, 'the second claim did not wait for the first');
  assert.equal(result.claimed, 10, 'the second worker got a full batch');
  const heldIds = new Set(held.map((r) => r.id));
  assert.deepEqual(ids(got).filter((id) => heldIds.has(id)), [], 'none of the rows the first claim holds');

  // The first claim is abandoned (rolled back): its rows go back to the queue at once.
  await slow.query('rollback');
  await dispatch(fast, recordingSender(got, 0), { batch: 10, lease: '5 minutes' });
  assert.deepEqual(sorted(ids(got)), queued, 'after the rollback the rest is delivered, each once');
});

test('a crashed claim is redelivered by another worker after its lease, and only once confirmed', { timeout: 60_000 }, async () => {
  const db = await freshDatabase('dispatch_crash');
  const queued = await queueNotifications(db, 5, 2);

  // A worker claims everything with a two-second lease and dies before confirming.
  const crashed = await connectAsServiceRole(db.url);
  const claimedAt = Date.now();
  const lost = (await crashed.query<ClaimedNotification>(`select * from public.claim_coordinator_notifications(50, '2 seconds')`)).rows;
  await crashed.end();
  assert.deepEqual(sorted(lost.map((r) => r.id)), queued);

  const rescuer = await worker(db);
  const got: NotificationMessage[] = [];
  const early = await dispatchOnce(rescuer, recordingSender(got, 0), { batch: 50, lease: '2 seconds' });
  assert.ok(Date.now() - claimedAt < 2_000, 'test timing: the early attempt ran inside the lease');
  assert.equal(early.claimed, 0, 'while the lease runs, nobody else gets them');

  await delay(Math.max(0, claimedAt + 2_500 - Date.now()));
  const totals = await dispatch(rescuer, recordingSender(got, 0), { batch: 50, lease: '2 seconds' });
  assert.equal(totals.confirmed, queued.length, 'after the lease another worker delivers and confirms them');
  assert.deepEqual(sorted(ids(got)), queued);
  assert.deepEqual(new Set(got.map((m) => m.attempts)), new Set([2]), 'the payload says it is the second attempt');

  const confirmer = await worker(db);
  const stale = await confirmer.query<{ n: number }>('select public.complete_coordinator_notifications($1::bigint[], $2::uuid) as n', [
    queued,
    lost[0]?.claim_token,
  ]);
  assert.equal(stale.rows[0]?.n, 0, 'the crashed claim cannot confirm anything any more');
  const rows = await outbox(db);
  assert.deepEqual(rows.filter((r) => !r.dispatched), [], 'all dispatched');
});

test('the webhook sender POSTs JSON; a non-2xx answer leaves the notification undispatched', { timeout: 60_000 }, async () => {
  const db = await freshDatabase('dispatch_webhook');
  const queued = await queueNotifications(db, 3, 2);
  const failing = queued[1];
  assert.ok(failing);

  const received: { headers: IncomingHttpHeaders; body: NotificationMessage & Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as NotificationMessage & Record<string, unknown>;
      received.push({ headers: req.headers, body });
      res.statusCode = body.id === failing ? 500 : 204;
      res.end(body.id === failing ? 'mail server down' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    const client = await worker(db);
    const totals = await dispatch(client, webhookSender(url), { batch: 50, lease: '5 minutes' });

    assert.deepEqual(
      { claimed: totals.claimed, delivered: totals.delivered, confirmed: totals.confirmed, failed: totals.failed },
      { claimed: 6, delivered: 5, confirmed: 5, failed: 1 },
    );
    assert.deepEqual(sorted(received.map((r) => r.body.id)), queued, 'every notification was POSTed once');
    for (const { headers, body } of received) {
      assert.equal(headers['content-type'], 'application/json');
      assert.equal(headers['idempotency-key'], `coordinator-notification-${body.id}`);
      assert.equal(body.new_status, 'paused');
      assert.match(body.coordinator_email ?? '', /@test\.invalid$/);
      assert.equal('claim_token' in body, false);
    }

    const rows = await outbox(db);
    assert.deepEqual(
      rows.filter((r) => !r.dispatched).map((r) => r.id),
      [failing],
      'only the notification answered with 500 is still undispatched',
    );
    const [stored] = await owner(db, async (c) =>
      (await c.query<{ last_error: string; claim_token: string | null; backoff: boolean }>(
        `select last_error, claim_token, next_attempt_at > now() as backoff from public.coordinator_notifications where id = $1`, [failing])).rows);
    assert.match(stored?.last_error ?? '', /answered 500 Internal Server Error: mail server down/, 'the webhook\'s error is stored');
    assert.equal(stored?.claim_token, null, 'the failed claim is released');
    assert.equal(stored?.backoff, true, 'and the next attempt waits');
    const again = await dispatch(client, webhookSender(url), { batch: 50, lease: '5 minutes' });
    assert.equal(again.claimed, 0, 'it waits for its backoff to pass before it is retried');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'dispatcher', 'dispatch-notifications.ts'), ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

test('the command line prints one JSON line per notification and validates its arguments', { timeout: 60_000 }, async () => {
  const db = await freshDatabase('dispatch_cli');
  const queued = await queueNotifications(db, 3, 2);
  const env = { ...process.env, DATABASE_URL: db.url };

  const once = await runCli(['--once', '--batch', '4'], env);
  assert.equal(once.code, 0, once.stderr);
  assert.equal(once.stdout.trim().split('\n').length, 4, '--once sends one batch');

  const rest = await runCli([], env);
  assert.equal(rest.code, 0, rest.stderr);
  const lines = [...once.stdout.trim().split('\n'), ...rest.stdout.trim().split('\n')];
  const messages = lines.map((l) => JSON.parse(l) as NotificationMessage);
  assert.deepEqual(sorted(messages.map((m) => m.id)), queued, 'without --once it drains the queue');
  assert.deepEqual((await outbox(db)).filter((r) => !r.dispatched), [], 'all dispatched');

  const bad = await runCli(['--batch', '0'], env);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--batch must be at least 1/);
  assert.match(bad.stderr, /^Usage: /m);

  const { DATABASE_URL: _unset, ...withoutUrl } = env;
  const noUrl = await runCli(['--once'], withoutUrl);
  assert.notEqual(noUrl.code, 0);
  assert.match(noUrl.stderr, /DATABASE_URL is required/);
  assert.match(noUrl.stderr, /^Usage: /m);
});

test('a webhook that always answers 500 ends with the notification dead; re-queued, it is sent again', { timeout: 90_000 }, async () => {
  const db = await freshDatabase('dispatch_dead');
  const [queued] = await queueNotifications(db, 1, 1);
  assert.ok(queued);

  let answer = 500;
  const posted: (number | null)[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      posted.push((JSON.parse(raw) as NotificationMessage).id);
      res.statusCode = answer;
      res.end(answer === 500 ? 'smtp relay refused' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    const env = { ...process.env, DATABASE_URL: db.url };
    const args = ['--webhook', url, '--max-attempts', '3', '--retry-delay', '200 milliseconds'];

    // Three runs, each after the backoff of the one before (200 ms, then 400 ms): fail, fail, dead.
    const summaries: string[] = [];
    for (const wait of [0, 300, 500]) {
      await delay(wait);
      const run = await runCli(args, env);
      assert.equal(run.code, 1, `a run with a failed send exits 1:\n${run.stderr}`);
      summaries.push(/^dispatch-notifications: (sent .*)$/m.exec(run.stderr)?.[1] ?? run.stderr);
    }
    assert.deepEqual(summaries, ['sent 0, failed 1, dead 0', 'sent 0, failed 1, dead 0', 'sent 0, failed 1, dead 1'],
      'each run ends with its summary; the third failure is the last attempt');
    assert.deepEqual(posted, [queued, queued, queued], 'it was POSTed three times, once per attempt');

    // Dead: kept, never claimed again, visible to the service role with its last error.
    await delay(1_000);
    const idle = await runCli(args, env);
    assert.equal(idle.code, 0, idle.stderr);
    assert.match(idle.stderr, /^dispatch-notifications: sent 0, failed 0, dead 0$/m, 'a later run claims nothing');
    assert.equal(posted.length, 3, 'the dead notification was not POSTed again');
    const service = await worker(db);
    const [dead] = (await service.query<{ id: number; attempts: number; dead: boolean; dispatched: boolean; last_error: string }>(
      `select id, attempts, dead_at is not null as dead, dispatched_at is not null as dispatched, last_error
         from public.coordinator_notifications where id = $1`, [queued])).rows;
    assert.deepEqual({ ...dead, last_error: undefined }, { id: queued, attempts: 3, dead: true, dispatched: false, last_error: undefined });
    assert.match(dead?.last_error ?? '', /answered 500 Internal Server Error: smtp relay refused/, 'its last error is stored');
    const [health] = (await service.query<{ pending_count: number; dead_count: number }>(
      'select pending_count, dead_count from public.coordinator_notifications_health()')).rows;
    assert.deepEqual(health, { pending_count: 0, dead_count: 1 }, 'the health report counts it dead, not pending');

    // The operator fixes the receiver and re-queues it: it is sent again and confirmed.
    answer = 204;
    const requeued = await service.query<{ n: number }>('select public.requeue_coordinator_notifications($1::bigint[]) as n', [[queued]]);
    assert.equal(requeued.rows[0]?.n, 1);
    const resend = await runCli(args, env);
    assert.equal(resend.code, 0, resend.stderr);
    assert.match(resend.stderr, /^dispatch-notifications: sent 1, failed 0, dead 0$/m);
    assert.deepEqual(posted, [queued, queued, queued, queued], 'POSTed once more after the re-queue');
    assert.deepEqual((await outbox(db)).map((r) => [r.id, r.dispatched, r.attempts]), [[queued, true, 1]],
      'dispatched, on the first attempt of its fresh set');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
