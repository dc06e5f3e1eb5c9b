// The long-lived local Data API of `npm start`: scripts/data-api-server.ts in a background process on
// supabase/config.toml's [api] port (54321, `supabase start`'s), in front of the local database. Its state
// (pids, ports) and log sit next to the database's data directory. `npm start` starts it or reuses a healthy one
// (and reloads its schema cache after the migrations); `npm run db:stop` stops it.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { portBecomesFree, portWaitMessage } from './cluster.ts';
import { readApiConfig } from './config.ts';
import { authenticatorUrl, postgrestProblem, reloadSchemaCache, REST_PREFIX } from './data-api.ts';
import { ROOT } from './database.ts';
import { ANON_KEY } from './jwt.ts';
import { LOCAL_DATA_DIR } from './local.ts';

export const LOCAL_API_STATE = path.join(path.dirname(LOCAL_DATA_DIR), 'data-api.json');
export const LOCAL_API_LOG = path.join(path.dirname(LOCAL_DATA_DIR), 'data-api.log');
const SERVER = path.join(ROOT, 'scripts', 'data-api-server.ts');

export const LOCAL_API_PORT_HINT =
  `The Data API's port comes from supabase/config.toml:\n  [api]\n  port = ${readApiConfig().port}\n` +
  'Stop the program using it, or set another port there (e.g. port = 54329) and run `npm start` again.';

/** Where the background Data API listens and keeps its state and log: npm start's, or a test's. */
export interface Where {
  port: number;
  state: string;
  log: string;
}

export const localWhere = (): Where => ({ port: readApiConfig().port, state: LOCAL_API_STATE, log: LOCAL_API_LOG });

interface State {
  pid: number;
  postgrestPid?: number;
  port: number;
  postgrestPort: number;
}

function readState(file: string): State | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process's command line, to make sure a pid from the state file is still ours (pids are reused). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** GET /rest/v1/ with the anon key answers 200: PostgREST is up behind the gateway and its schema cache loaded. */
function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: `${REST_PREFIX}/`, headers: { apikey: ANON_KEY }, timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !alive(pid);
}

/** Stops the local Data API if it runs; says what it did. */
export async function stopLocalDataApi(where: Where = localWhere()): Promise<string> {
  const state = readState(where.state);
  if (!state) return 'The local Data API is not running.';
  const stopped: string[] = [];
  if (alive(state.pid) && commandLine(state.pid).includes('data-api-server')) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitForExit(state.pid, 10_000))) process.kill(state.pid, 'SIGKILL');
    stopped.push(`gateway pid ${state.pid}`);
  }
  // PostgREST dies with its parent (PR_SET_PDEATHSIG); should it have outlived it, stop it too.
  if (state.postgrestPid && alive(state.postgrestPid) && commandLine(state.postgrestPid).includes('postgrest')) {
    process.kill(state.postgrestPid, 'SIGTERM');
    await waitForExit(state.postgrestPid, 5000);
    stopped.push(`PostgREST pid ${state.postgrestPid}`);
  }
  rmSync(where.state, { force: true });
  return stopped.length > 0 ? `Stopped the local Data API (${stopped.join(', ')}).` : 'The local Data API was not running.';
}

/**
 * How PostgREST logs in: as `authenticator` (the compatibility layer gives it the local password), else, on a
 * server where that login fails (DATABASE_URL of a database whose authenticator password we do not know), as
 * the URL's own user, which on Supabase and here is also a member of anon, authenticated and service_role.
 */
export async function postgrestLogin(databaseUrl: string): Promise<{ uri: string; note?: string }> {
  const uri = authenticatorUrl(databaseUrl);
  const client = new pg.Client({ connectionString: uri });
  try {
    await client.connect();
    return { uri };
  } catch (err) {
    return {
      uri: databaseUrl,
      note: `authenticator could not log in (${err instanceof Error ? err.message : String(err)}); PostgREST connects as ${new URL(databaseUrl).username} instead`,
    };
  } finally {
    await client.end().catch(() => {});
  }
}

export interface LocalDataApi {
  url: string;
  restUrl: string;
  reused: boolean;
  note?: string;
}

/** Starts the local Data API in the background, or reuses a healthy one (reloading its schema cache). */
export async function ensureLocalDataApi(databaseUrl: string, where: Where = localWhere()): Promise<LocalDataApi> {
  const { port } = where;
  const result = (reused: boolean, note?: string): LocalDataApi =>
    ({ url: `http://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}${REST_PREFIX}`, reused, note });

  const state = readState(where.state);
  if (state && alive(state.pid) && state.port === port && (await healthy(port))) {
    await reloadSchemaCache(databaseUrl); // the migrations just applied may have changed the schema
    return result(true);
  }
  if (state) await stopLocalDataApi(where); // gone, unhealthy, or on another port: start afresh

  const problem = postgrestProblem();
  if (problem) throw new Error(problem);
  if (!(await portBecomesFree(port, 75_000, () => console.error(portWaitMessage(port))))) {
    throw new Error(`port ${port} on 127.0.0.1 is already in use by another program, so the Data API cannot listen on it.\n${LOCAL_API_PORT_HINT}`);
  }
  const login = await postgrestLogin(databaseUrl);
  mkdirSync(path.dirname(where.log), { recursive: true });
  const log = openSync(where.log, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      LOCAL_API_DB_URI: login.uri,
      LOCAL_API_PORT: String(port),
      LOCAL_API_STATE: where.state,
      LOCAL_API_PORT_HINT,
    },
  });
  closeSync(log);
  let exit: string | undefined;
  child.on('exit', (code, signal) => (exit = `exit code ${code ?? 'none'}, signal ${signal ?? 'none'}`));
  child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (readState(where.state)?.pid === child.pid) break;
    const tail = () => (existsSync(where.log) ? readFileSync(where.log, 'utf8').trim().split('\n').slice(-15).join('\n  ') : '');
    if (exit) throw new Error(`the local Data API did not start (${exit}). ${where.log}:\n  ${tail()}`);
    if (Date.now() > deadline) {
      if (child.pid) process.kill(child.pid, 'SIGTERM');
      throw new Error(`the local Data API did not become ready within 60 s. ${where.log}:\n  ${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return result(false, login.note);
}
