// What `npm start` and `npm run db:stop` do with the Data API (scripts/lib/local-api.ts), on a free port and a
// temporary state file instead of 54321 (tests never use npm start's): it runs in the background and outlives the
// command, a second start reuses a healthy one, a crashed one is restarted, db:stop stops it and PostgREST with it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createClient } from '@supabase/supabase-js';
import { freePort } from '../../scripts/lib/cluster.ts';
import { psqlFile, SEED_SQL } from '../../scripts/lib/database.ts';
import { ANON_KEY, userAccessToken } from '../../scripts/lib/jwt.ts';
import { ensureLocalDataApi, stopLocalDataApi, type Where } from '../../scripts/lib/local-api.ts';
import type { Database } from '../../types/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { USER } from '../support/data-api.ts';

let db: TestDatabase;
let where: Where;
let dir: string;
before(async () => {
  db = await createTestDatabase('clients_lifecycle');
  await psqlFile(db.url, SEED_SQL);
  dir = mkdtempSync(path.join(tmpdir(), 'data-api-'));
  where = { port: await freePort(), state: path.join(dir, 'data-api.json'), log: path.join(dir, 'data-api.log') };
});
after(async () => {
  await stopLocalDataApi(where);
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const state = () => JSON.parse(readFileSync(where.state, 'utf8')) as { pid: number; postgrestPid: number; port: number };

async function board(url: string): Promise<string[] | undefined> {
  const cora = createClient<Database>(url, ANON_KEY, { accessToken: async () => userAccessToken(USER.cora) });
  const { data } = await cora.from('coordinator_board').select('full_name').order('full_name');
  return data?.map((r) => r.full_name ?? '');
}

test('npm start runs it in the background, serving the anon key it prints', async () => {
  const api = await ensureLocalDataApi(db.url, where);
  assert.equal(api.reused, false);
  assert.equal(api.url, `http://127.0.0.1:${where.port}`);
  assert.ok(alive(state().pid) && alive(state().postgrestPid), 'the gateway and PostgREST run on their own');
  assert.deepEqual(await board(api.url), ['Max Multi', 'Mia Mentor', 'Sara Solo', 'Tor Tromsø']);
});

test('a second npm start reuses the healthy one', async () => {
  const { pid } = state();
  const api = await ensureLocalDataApi(db.url, where);
  assert.equal(api.reused, true);
  assert.equal(state().pid, pid);
});

test('after a PostgREST crash, npm start restarts it', async () => {
  const before = state();
  process.kill(before.postgrestPid, 'SIGKILL');
  const api = await ensureLocalDataApi(db.url, where);
  assert.equal(api.reused, false);
  assert.notEqual(state().pid, before.pid);
  assert.equal(alive(before.pid), false, 'the old gateway is gone');
  assert.deepEqual(await board(api.url), ['Max Multi', 'Mia Mentor', 'Sara Solo', 'Tor Tromsø']);
});

test('db:stop stops the gateway and PostgREST and forgets them', async () => {
  const { pid, postgrestPid } = state();
  assert.match(await stopLocalDataApi(where), /^Stopped the local Data API \(gateway pid \d+\)\.$/);
  assert.equal(alive(pid), false);
  for (let i = 0; i < 50 && alive(postgrestPid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(postgrestPid), false, 'PostgREST died with its parent');
  assert.throws(() => readFileSync(where.state), /ENOENT/);
  assert.equal(await stopLocalDataApi(where), 'The local Data API is not running.');
});

test('a port another program listens on is a clear error naming the setting', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(where.port, '127.0.0.1', resolve));
  try {
    await assert.rejects(ensureLocalDataApi(db.url, where),
      new RegExp(`port ${where.port} on 127.0.0.1 is already in use by another program, so the Data API cannot listen on it\\.\\nThe Data API's port comes from supabase/config.toml:\\n  \\[api\\]`));
  } finally {
    blocker.close();
  }
});
