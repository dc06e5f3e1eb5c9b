// `npm run publish-digests` (dispatcher/publish-digests.ts, the dispatcher's loop in dispatcher/outbox-worker.ts)
// end to end: each digest taken is appended once to a JSON-lines file outside the database, which then verifies
// with `npm run verify`; a webhook that keeps failing is retried after its backoff and ends dead, and once
// re-queued the digest is POSTed again. The claim/lease/concurrency behaviour of the shared loop is proven by
// tests/dispatch_delivers_every_notification_at_least_once_with_bounded_retries.test.ts and not repeated here.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { populate, runScript, takeDigest, withOwner } from './support/history-fixture.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'publish-digests-'));
const databases: TestDatabase[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function freshDatabase(label: string): Promise<TestDatabase> {
  const db = await createTestDatabase(label);
  databases.push(db);
  return db;
}

async function storedDigests(url: string) {
  return withOwner(url, async (c) => (await c.query<{ id: string; digest: Record<string, unknown>; published: boolean; dead: boolean; attempts: number; last_error: string | null }>(
    `select id::text, digest, published_at is not null as published, dead_at is not null as dead, attempts, last_error
       from public.status_history_digests order by id`)).rows);
}

test('publish-digests appends each digest to a file once, and the file verifies', { timeout: 120_000 }, async () => {
  const db = await freshDatabase('publish_file');
  await populate(db.url); // takes one digest
  const env = { ...process.env, DATABASE_URL: db.url };
  const file = path.join(dir, 'digests.jsonl');

  const first = await runScript('publish-digests', ['--file', file, '--take'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /^publish-digests: took digest \d+/m);
  assert.match(first.stderr, /^publish-digests: sent 2, failed 0, dead 0$/m, 'the digest taken before and the one --take took');
  const stored = await storedDigests(db.url);
  assert.equal(stored.length, 2);
  assert.ok(stored.every((d) => d.published), 'both marked published');
  const lines = () => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines(), stored.map((d) => d.digest), 'one line per digest, oldest first, exactly the digest');

  const again = await runScript('publish-digests', ['--file', file], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /^publish-digests: sent 0, failed 0, dead 0$/m, 'a published digest is not sent again');
  assert.equal(lines().length, 2, 'the file is unchanged');

  await takeDigest(db.url);
  const third = await runScript('publish-digests', ['--file', file, '--once'], env);
  assert.match(third.stderr, /sent 1, failed 0, dead 0/);
  assert.equal(lines().length, 3, 'appended, never rewritten');

  const verified = await runScript('verify', [file], env);
  assert.equal(verified.code, 0, `the published file verifies:\n${verified.stderr}\n${verified.stdout}`);

  const noSink = await runScript('publish-digests', [], env);
  assert.equal(noSink.code, 2);
  assert.match(noSink.stderr, /give a sink outside the database: --file PATH and\/or --webhook URL/);
  assert.match(noSink.stderr, /^Usage: npm run publish-digests -- /m);
});

test('a webhook that keeps failing is retried after its backoff, then the digest is dead until re-queued', { timeout: 120_000 }, async () => {
  const db = await freshDatabase('publish_webhook');
  const digest = await populate(db.url);
  let answer = 503;
  const received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
      res.statusCode = answer;
      res.end(answer >= 300 ? 'archive unavailable' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/digests`;
    const env = { ...process.env, DATABASE_URL: db.url };
    const args = ['--webhook', url, '--max-attempts', '2', '--retry-delay', '300 milliseconds'];

    const firstTry = await runScript('publish-digests', args, env);
    assert.equal(firstTry.code, 1, firstTry.stderr);
    assert.match(firstTry.stderr, /digest \d+ not delivered \(retried after .*\): POST .* answered 503/);
    assert.match(firstTry.stderr, /sent 0, failed 1, dead 0/);
    await delay(500);
    const lastTry = await runScript('publish-digests', args, env);
    assert.equal(lastTry.code, 1);
    assert.match(lastTry.stderr, /dead: its last attempt \(re-queue it with requeue_status_history_digests\)/);
    assert.match(lastTry.stderr, /sent 0, failed 1, dead 1/);
    await delay(800);
    const idle = await runScript('publish-digests', args, env);
    assert.match(idle.stderr, /sent 0, failed 0, dead 0/, 'a dead digest is not claimed again');
    assert.equal(received.length, 2, 'POSTed once per attempt');
    for (const r of received) {
      assert.deepEqual(r.body, digest, 'the body is the digest itself');
      assert.equal(r.headers['idempotency-key'], `status-history-digest-${digest.digest_id}`);
      assert.equal(r.headers['content-type'], 'application/json');
    }
    const [dead] = await storedDigests(db.url);
    assert.deepEqual({ published: dead!.published, dead: dead!.dead, attempts: dead!.attempts }, { published: false, dead: true, attempts: 2 });
    assert.match(dead!.last_error ?? '', /answered 503 Service Unavailable: archive unavailable/);

    answer = 204;
    await withOwner(db.url, (c) => c.query('select public.requeue_status_history_digests($1::bigint[])', [[dead!.id]]));
    const resend = await runScript('publish-digests', args, env);
    assert.equal(resend.code, 0, resend.stderr);
    assert.match(resend.stderr, /sent 1, failed 0, dead 0/);
    assert.equal(received.length, 3);
    assert.equal((await storedDigests(db.url))[0]!.published, true);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
