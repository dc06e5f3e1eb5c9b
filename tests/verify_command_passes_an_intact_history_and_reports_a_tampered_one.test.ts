// `npm run verify -- <digest file>` (scripts/verify.ts) against a real history: exit 0 and nothing on stdout for an
// intact one (digests kept outside as JSON lines, repeated lines counted once, and as a JSON array); exit 1 with the
// tampered row (mentor, history id, problem) on stdout after the owner rewrote a row with the triggers disabled;
// exit 2 with a Usage line for a missing or malformed file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { changeAfterDigest, MIA, populate, runScript, takeDigest, tamperAsOwner, withOwner } from './support/history-fixture.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'verify-cli-'));
const databases: TestDatabase[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.allSettled(databases.map((d) => d.drop()));
});

test('npm run verify passes an intact history and reports a tampered one', { timeout: 120_000 }, async () => {
  const db = await createTestDatabase('verify_cli');
  databases.push(db);
  const first = await populate(db.url);
  await changeAfterDigest(db.url);
  const second = await takeDigest(db.url);
  await changeAfterDigest(db.url).catch(() => {}); // Rita is already paused: no change, no row
  const env = { ...process.env, DATABASE_URL: db.url };

  // Kept outside: one JSON digest per line, the first one twice (at-least-once delivery).
  const lines = path.join(dir, 'digests.jsonl');
  writeFileSync(lines, `${JSON.stringify(first)}\n${JSON.stringify(second)}\n${JSON.stringify(first)}\n`);
  const array = path.join(dir, 'digests.json');
  writeFileSync(array, JSON.stringify([first, second], null, 2));

  const intact = await runScript('verify', [lines], env);
  assert.equal(intact.code, 0, `an intact history verifies:\n${intact.stderr}\n${intact.stdout}`);
  assert.equal(intact.stdout, '', 'nothing reported');
  assert.match(intact.stderr, /2 digest\(s\) from .*digests\.jsonl \(1 repeated entries counted once\)/);
  assert.match(intact.stderr, /\[1\/3\] digest \d+ taken .*\n.*\[1\/3\]   intact: \d+ rows checked in/, 'progress per check');
  assert.match(intact.stderr, /^verify: intact: \d+ history rows verified against 2 digest\(s\)/m);
  const fromArray = await runScript('verify', [array], env);
  assert.equal(fromArray.code, 0, `a JSON array of digests is read too:\n${fromArray.stderr}`);
  const newest = await runScript('verify', ['--newest', lines], env);
  assert.equal(newest.code, 0, `--newest: intact too:\n${newest.stderr}`);
  assert.match(newest.stderr, /--newest: 1 older digest\(s\) match the table's copies/);
  assert.match(newest.stderr, /\[2\/2\]/, 'one pass against the newest digest, one against the database');
  // A digest kept outside that the table no longer reproduces (here: forged in the file) is reported, --newest too.
  const forgedFile = path.join(dir, 'forged.jsonl');
  writeFileSync(forgedFile, `${JSON.stringify({ ...first, root: 'f'.repeat(64) })}\n${JSON.stringify(second)}\n`);
  const forgedRoot = await runScript('verify', ['--newest', forgedFile], env);
  assert.equal(forgedRoot.code, 1, forgedRoot.stderr);
  assert.match(forgedRoot.stdout, new RegExp(`^digest ${first.digest_id}\t-\t-\t.*${'f'.repeat(64)}`, 'm'));

  // The owner rewrites the reason of Mia's pause with the triggers off: nothing stopped it, verify sees it.
  const forged = await withOwner(db.url, async (c) => (await c.query<{ id: string }>(
    `select id::text from public.peer_mentor_status_history where mentor_id = $1 and reason = 'holiday'`, [MIA])).rows[0]!.id);
  assert.equal(await tamperAsOwner(db.url, `update public.peer_mentor_status_history set reason = 'forged by the owner' where id = $1`, [forged]), 1);

  const tampered = await runScript('verify', [lines], env);
  assert.equal(tampered.code, 1, `a tampered history exits 1:\n${tampered.stderr}`);
  const reported = tampered.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.ok(reported.length >= 1, 'at least one problem line');
  assert.ok(reported.every((r) => r.length === 4), `tab-separated check, mentor, history id, problem:\n${tampered.stdout}`);
  assert.ok(reported.some(([, mentor, id]) => mentor === MIA && id === forged), `the forged row is named:\n${tampered.stdout}`);
  assert.equal(new Set(tampered.stdout.trim().split('\n').map((l) => l.split('\t').slice(1).join('\t'))).size, reported.length,
    'each distinct problem printed once, though every check reports it');
  assert.match(tampered.stderr, /^verify: \d+ distinct problem\(s\) reported/m);
  assert.equal((await runScript('verify', [array], env)).code, 1, 'from the array file too');
  const newestTampered = await runScript('verify', ['--newest', lines], env);
  assert.equal(newestTampered.code, 1, 'and with --newest');
  assert.match(newestTampered.stdout, new RegExp(`\t${MIA}\t${forged}\t`));

  // Usage: no file; a file that is not a digest file (the line is named); an empty one.
  const none = await runScript('verify', [], env);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /a digest file is required/);
  assert.match(none.stderr, /^Usage: npm run verify -- /m);
  const bad = path.join(dir, 'bad.jsonl');
  writeFileSync(bad, `${JSON.stringify(first)}\n{"version": 1, "digest_id": 2}\nnot json\n`);
  const malformed = await runScript('verify', [bad], env);
  assert.equal(malformed.code, 2, malformed.stderr);
  assert.match(malformed.stderr, /bad\.jsonl:3: not a JSON digest/);
  const empty = path.join(dir, 'empty.jsonl');
  writeFileSync(empty, '\n');
  const emptyRun = await runScript('verify', [empty], env);
  assert.equal(emptyRun.code, 2);
  assert.match(emptyRun.stderr, /holds no digest/);
});
